"""The rules for the kinds of the `overlay` and `python-api` parts
(tools/drift/overlay_drift.py, tools/drift/api_diff.py), part of the registry
(tools/drift/rules.py).

Each of griffe's BreakageKinds is one kind, `python-` and its name (api_diff.griffe_kind);
tests/tools/drift/test_rules.py checks that none of them is missing here.
"""

from __future__ import annotations

from tools.drift.rule_model import ALWAYS_BREAKING, ALWAYS_NON_BREAKING, Group, Rule

# docs/drift.md says once, above both tables, that these come only from provider mode.
OVERLAY = Group("The `overlay` part", part="overlay")
PYTHON_API = Group("The `python-api` part", part="python-api")

_OVERLAY = "what each overlay action selects in the pinned and the new spec"
_PYTHON = "the public API of the generated packages (griffe and our walk)"
_GRIFFE = "the public API of the generated packages (griffe)"

PART_RULES: tuple[Rule, ...] = (
    Rule(
        "overlay-dead",
        OVERLAY,
        _OVERLAY,
        ALWAYS_BREAKING,
        "an overlay action selects nothing in the new spec: the next strict regen fails",
    ),
    Rule(
        "overlay-selection-changed",
        OVERLAY,
        _OVERLAY,
        ALWAYS_NON_BREAKING,
        "an action now selects more or other nodes than in the pinned spec (review it)",
    ),
    Rule(
        "overlay-error",
        OVERLAY,
        _OVERLAY,
        ALWAYS_BREAKING,
        "an action can no longer apply at all (e.g. its `copy` source disappeared)",
    ),
    Rule(
        "python-generation-failed",
        PYTHON_API,
        "generating the client from the new spec",
        ALWAYS_BREAKING,
        "the client cannot be generated from the new spec (dead overlay, generator warning)",
    ),
    Rule(
        "python-removed",
        PYTHON_API,
        _GRIFFE,
        ALWAYS_BREAKING,
        "a public function, model, module or alias is gone",
    ),
    Rule(
        "python-parameter-removed",
        PYTHON_API,
        _GRIFFE,
        ALWAYS_BREAKING,
        "a function lost a parameter",
    ),
    Rule(
        "python-parameter-renamed",
        PYTHON_API,
        _PYTHON,
        ALWAYS_BREAKING,
        "a parameter was removed and one of the same kind and type added (e.g. `stroke` -> "
        "`stroke_width`)",
    ),
    Rule(
        "python-attribute-renamed",
        PYTHON_API,
        _PYTHON,
        ALWAYS_BREAKING,
        "a model attribute likewise (e.g. `SingleLabelClassification.top` -> `top_class`)",
    ),
    Rule(
        "python-type-changed",
        PYTHON_API,
        _PYTHON,
        ALWAYS_BREAKING,
        "an annotation changed (e.g. `int` -> `float`); griffe does not compare "
        "annotations, our walk does",
    ),
    Rule(
        "python-our-code-breaks",
        PYTHON_API,
        "image_classify/ type-checked (mypy --strict) against the new client",
        ALWAYS_BREAKING,
        "a line of the runtime or an adapter that no longer type-checks (file:line)",
    ),
    Rule(
        "python-our-code-uses",
        PYTHON_API,
        "the modules of image_classify/ that import the client, searched for a gone name",
        ALWAYS_BREAKING,
        "a line of the runtime or an adapter that passes a removed or renamed parameter "
        "(a dict key mypy cannot check) or uses a removed object (file:line)",
    ),
    Rule(
        "python-added",
        PYTHON_API,
        _PYTHON,
        ALWAYS_NON_BREAKING,
        "a new public function, model or attribute",
    ),
    # The rest of griffe's BreakageKind, one kind each (`python-` + its name).
    Rule(
        "python-parameter-moved",
        PYTHON_API,
        _GRIFFE,
        ALWAYS_BREAKING,
        "a positional parameter was moved",
    ),
    Rule(
        "python-parameter-changed-kind",
        PYTHON_API,
        _GRIFFE,
        ALWAYS_BREAKING,
        "a parameter's kind changed (positional, keyword...)",
    ),
    Rule(
        "python-parameter-changed-default",
        PYTHON_API,
        _GRIFFE,
        ALWAYS_BREAKING,
        "a parameter's default value changed",
    ),
    Rule(
        "python-parameter-changed-required",
        PYTHON_API,
        _GRIFFE,
        ALWAYS_BREAKING,
        "a parameter is now required",
    ),
    Rule(
        "python-parameter-added-required",
        PYTHON_API,
        _GRIFFE,
        ALWAYS_BREAKING,
        "a required parameter was added",
    ),
    Rule(
        "python-return-changed-type",
        PYTHON_API,
        _GRIFFE,
        ALWAYS_BREAKING,
        "the return types are incompatible",
    ),
    Rule(
        "python-object-changed-kind",
        PYTHON_API,
        _GRIFFE,
        ALWAYS_BREAKING,
        "a public name points to a different kind of object",
    ),
    Rule(
        "python-attribute-changed-type",
        PYTHON_API,
        _GRIFFE,
        ALWAYS_BREAKING,
        "an attribute's types are incompatible",
    ),
    Rule(
        "python-class-removed-base",
        PYTHON_API,
        _GRIFFE,
        ALWAYS_BREAKING,
        "a base class was removed",
    ),
    Rule(
        "python-attribute-changed-value",
        PYTHON_API,
        _GRIFFE,
        ALWAYS_BREAKING,
        "an attribute's value changed",
    ),
)
