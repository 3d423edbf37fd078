"""LLM providers: one small interface (:mod:`.base`), one module per vendor, built from a spec.

Vendor SDKs are imported only by their own modules, so ``import lessonplan.providers`` is cheap.
"""

from lessonplan.providers.base import Completion, LLMProvider, LLMRequest, Usage
from lessonplan.providers.factory import VALID_FORMS, make_provider
from lessonplan.providers.fake import FakeProvider, register_fake, unregister_fakes
from lessonplan.providers.offline import OfflineProvider

__all__ = [
    "VALID_FORMS",
    "Completion",
    "FakeProvider",
    "LLMProvider",
    "LLMRequest",
    "OfflineProvider",
    "Usage",
    "make_provider",
    "register_fake",
    "unregister_fakes",
]
