"""lessonplan: compile language lessons from Can-Do descriptors, cheaply, fast and auditably."""

__version__ = "0.1.0"
