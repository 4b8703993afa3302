"""The tests' name for tools/project_copy.py (a throwaway copy of the project), which the
regeneration benchmarks use too: the pipeline never imports tests/."""

from tools.project_copy import COPIED, ROOT, ProjectCopy

__all__ = ["COPIED", "ROOT", "ProjectCopy"]
