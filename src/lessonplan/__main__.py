"""``python -m lessonplan`` runs the command line."""

from lessonplan.cli.app import main

main()
