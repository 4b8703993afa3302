"""The shape every adapter module has, as a typing.Protocol.

Adapters are modules, loaded by name from the manifest (`adapter_for`), so nothing ties a
new one to the shape the runtime relies on. A module satisfies a Protocol structurally:
`_: Adapter = image_classify.adapters.NAME` makes mypy check it, and `conformance_problems`
checks the same members at run time (tests/image_classify/adapters/
test_adapters_protocol.py does both for every manifest entry).

`boxes(raw)` is optional (only providers with bounding boxes define it), so it is not a
Protocol member; `conformance_problems` checks its signature when it is there.
"""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any, Protocol

from image_classify._images import ImageInput
from image_classify._results import BoundingBox, Prediction
from image_classify.adapters.base import Plan


class Adapter(Protocol):
    """An adapter module. Members are read-only properties so that a module whose
    DEFAULT_MODEL is a plain `str` (or `None`) still conforms."""

    @property
    def DEFAULT_MODEL(self) -> str | None: ...

    @property
    def OPTIONS(self) -> frozenset[str]: ...

    def plan(self, image: ImageInput, model: str | None, options: dict[str, Any]) -> Plan: ...

    def predictions(self, raw: Any) -> list[Prediction]: ...


class BoxesAdapter(Adapter, Protocol):
    """An adapter whose provider also returns bounding boxes."""

    def boxes(self, raw: Any) -> list[BoundingBox]: ...


# name -> the parameter names it must take, in order (the runtime calls them positionally).
FUNCTIONS = {
    "plan": ("image", "model", "options"),
    "predictions": ("raw",),
}
OPTIONAL_FUNCTIONS = {"boxes": ("raw",)}


def _signature_problem(module: ModuleType, name: str, params: tuple[str, ...]) -> str | None:
    value = getattr(module, name, None)
    if value is None:
        return f"no function {name}({', '.join(params)})"
    if not callable(value):
        return f"{name} is a {type(value).__name__}, not a function"
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):
        return None
    try:
        signature.bind(*params)
    except TypeError:
        return f"{name}{signature} cannot be called as {name}({', '.join(params)})"
    return None


def conformance_problems(module: ModuleType) -> list[str]:
    """What `module` lacks to be an Adapter, each as a short phrase (empty: it conforms)."""
    problems = []
    if not hasattr(module, "Raw"):
        problems.append("no Raw (the type of the provider's typed answer)")
    if not hasattr(module, "DEFAULT_MODEL"):
        problems.append("no DEFAULT_MODEL (a str, or None)")
    elif not isinstance(module.DEFAULT_MODEL, str | None):
        problems.append(f"DEFAULT_MODEL is a {type(module.DEFAULT_MODEL).__name__}, not str/None")
    options = getattr(module, "OPTIONS", None)
    if not isinstance(options, frozenset) or not all(isinstance(o, str) for o in options):
        problems.append("OPTIONS is not a frozenset of str")
    for name, params in FUNCTIONS.items():
        problem = _signature_problem(module, name, params)
        if problem:
            problems.append(problem)
    for name, params in OPTIONAL_FUNCTIONS.items():
        if hasattr(module, name):
            problem = _signature_problem(module, name, params)
            if problem:
                problems.append(problem)
    return problems
