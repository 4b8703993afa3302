"""Cut operations out of a large OpenAPI document, with exactly what they reference.

`slice_operations(doc, [("POST", "/accounts/{account_id}/ai/run/@cf/microsoft/resnet-50")])`
returns a standalone document: `openapi`, `info`, `servers`, the top-level `security` and
`tags` the operations use, the operations (with their path items' shared parameters), and
the components they reference, followed transitively through `$ref`s and discriminator
mappings, plus the security schemes their requirements name. Components keep their names,
so every JSON pointer in the slice is the same as in the source document.

The slice is as valid as the source allows: it is validated, and every problem (usually
one the source has at the same place), every `$ref` that points at nothing and every
reference that cannot be carried over is a warning of the result, never dropped silently.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tools.drift.operations import Operation, iter_operations, normalize_path
from tools.errors import ToolError, describe
from tools.openapi_terms import HTTP_METHODS
from tools.pointers import MISSING, follow, parse_json_pointer
from tools.validate import problems

__all__ = ["Slice", "slice_document", "slice_operations"]

# Top-level members carried over as they are (`tags` is filtered to the ones used).
_DOCUMENT_MEMBERS = (
    "openapi",
    "info",
    "jsonSchemaDialect",
    "servers",
    "security",
    "externalDocs",
)
_SUGGESTIONS = 5


@dataclass
class Slice:
    document: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def slice_document(
    doc: dict[str, Any], operations: list[tuple[str, str]], *, source: str = "the document"
) -> dict[str, Any]:
    """The standalone document for `operations` ((METHOD, path template) pairs).

    The same as `slice_operations(...).document`, without the validation (its result would
    be dropped): use `slice_operations` to get the warnings too.
    """
    return slice_operations(doc, operations, source=source, validate=False).document


def slice_operations(
    doc: dict[str, Any],
    operations: list[tuple[str, str]],
    *,
    source: str = "the document",
    validate: bool = True,
) -> Slice:
    """Slice `operations` out of `doc`; `source` names the document in messages.

    Raises `ToolError` for an operation the document does not have, naming it and the
    closest operations it does have.
    """
    result = Slice({})
    known = {(op.method, op.path): op for op in iter_operations(doc, result.warnings.append)}
    chosen = [_find(known, method, path, source) for method, path in operations]
    sliced = result.document
    for key in _DOCUMENT_MEMBERS:
        if key in doc:
            sliced[key] = doc[key]
    tags = _used_tags(doc, chosen)
    if tags:
        sliced["tags"] = tags
    sliced["paths"] = _paths(chosen)
    components = _Components(doc, source, result.warnings)
    components.follow(sliced["paths"])
    components.add_security_schemes(_security_schemes(doc, chosen))
    if components.found:
        sliced["components"] = components.ordered()
    result.document = copy.deepcopy(sliced)  # standalone: nothing shared with the source
    if validate and components.unresolved:
        result.warnings.append(
            f"{source}: the slice was not validated: it has references that cannot be resolved "
            "(above), which the validator would try to fetch or fail on."
        )
    elif validate:
        result.warnings.extend(_validation_warnings(result.document, doc, source))
    return result


def _find(
    known: dict[tuple[str, str], Operation], method: str, path: str, source: str
) -> Operation:
    found = known.get((method.lower(), path))
    if found is not None:
        return found
    wanted = f"{method.upper()} {path}"
    # Same path with other parameter names first (same method first), then by spelling.
    same_shape = sorted(
        (op for op in known.values() if normalize_path(op.path) == normalize_path(path)),
        key=lambda op: (op.method != method.lower(), op.path),
    )
    close = [op.label for op in same_shape]
    labels = sorted(op.label for op in known.values())
    close += [
        label
        for label in difflib.get_close_matches(wanted, labels, n=_SUGGESTIONS, cutoff=0.6)
        if label not in close
    ]
    hint = f"Closest: {'; '.join(close[:_SUGGESTIONS])}." if close else "No operation is close."
    raise ToolError(
        f"{source}: has no operation {wanted} (it has {len(known)} operations). {hint} "
        "Give the method and the path template exactly as the document writes them."
    )


def _used_tags(doc: dict[str, Any], chosen: list[Operation]) -> list[Any]:
    names = {tag for op in chosen for tag in _list(op.node.get("tags")) if isinstance(tag, str)}
    return [
        tag for tag in _list(doc.get("tags")) if isinstance(tag, dict) and tag.get("name") in names
    ]


def _paths(chosen: list[Operation]) -> dict[str, Any]:
    """The chosen operations in their path items, with the items' shared members."""
    paths: dict[str, Any] = {}
    for op in chosen:
        item = paths.get(op.path)
        if item is None:
            shared = {k: v for k, v in op.item.items() if k not in HTTP_METHODS and k != "$ref"}
            item = paths[op.path] = shared
        item[op.method] = op.node
    return paths


def _security_schemes(doc: dict[str, Any], chosen: list[Operation]) -> set[str]:
    """Names of the security schemes the operations' (or the top-level) requirements use."""
    requirements = [doc.get("security")] + [op.node.get("security") for op in chosen]
    return {
        str(name)
        for listed in requirements
        for requirement in _list(listed)
        if isinstance(requirement, dict)
        for name in requirement
    }


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class _Components:
    """The components a slice needs: everything its `$ref`s reach, transitively."""

    def __init__(self, doc: dict[str, Any], source: str, warnings: list[str]) -> None:
        self.doc = doc
        self.source = source
        self.warnings = warnings
        self.found: dict[tuple[str, str], Any] = {}  # (section, name) -> component
        self.unresolved = False  # a $ref the slice cannot resolve (warned about)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def follow(self, start: Any) -> None:
        pending = list(_references(start))
        while pending:
            ref = pending.pop()
            component = self._component(ref)
            if component is not None and component not in self.found:
                section, name = component
                self.found[component] = self.doc["components"][section][name]
                pending.extend(_references(self.found[component]))

    def _component(self, ref: str) -> tuple[str, str] | None:
        """The (section, name) a `$ref` needs; None (and a warning) when it cannot be kept."""
        if not ref.startswith("#"):
            self.unresolved = True
            self.warn(
                f"{self.source}: $ref {ref!r} is external; the slice keeps it as it is, so it "
                "is not standalone."
            )
            return None
        try:
            tokens = parse_json_pointer(ref)
        except ValueError as err:
            self.unresolved = True
            self.warn(f"{self.source}: $ref {ref!r} is not a JSON pointer ({err}).")
            return None
        if not _exists(self.doc, tokens):
            self.unresolved = True
            self.warn(
                f"{self.source}: $ref {ref!r} points at nothing in the source document; it "
                "dangles in the slice too."
            )
            return None
        if len(tokens) >= 3 and tokens[0] == "components":
            return tokens[1], tokens[2]
        if tokens and tokens[0] != "paths":  # into the paths of kept operations is fine
            self.warn(
                f"{self.source}: $ref {ref!r} points outside components; the slice does not "
                "carry that part over."
            )
        return None

    def sections(self) -> dict[str, Any]:
        components = self.doc.get("components")
        return components if isinstance(components, dict) else {}

    def add_security_schemes(self, names: Iterable[str]) -> None:
        schemes = self.sections().get("securitySchemes")
        for name in sorted(names):
            if isinstance(schemes, dict) and name in schemes:
                self.found[("securitySchemes", name)] = schemes[name]
                self.follow(schemes[name])
            else:
                self.warn(
                    f"{self.source}: security requirement names {name!r}, which is not in "
                    "/components/securitySchemes."
                )

    def ordered(self) -> dict[str, dict[str, Any]]:
        """The components in the source's order (sections, then names): deterministic."""
        result: dict[str, dict[str, Any]] = {}
        for section, members in self.sections().items():
            if not isinstance(members, dict):
                continue
            for name, value in members.items():
                if (section, name) in self.found:
                    result.setdefault(section, {})[name] = value
        return result


def _exists(doc: Any, tokens: list[str]) -> bool:
    return follow(doc, tokens) is not MISSING


def _references(node: Any) -> Iterator[str]:
    """`$ref` values and discriminator mapping targets inside `node`."""
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str):
                yield ref
            discriminator = value.get("discriminator")
            if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
                yield from (
                    target
                    for target in discriminator["mapping"].values()
                    if isinstance(target, str) and target.startswith("#")
                )
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _validation_warnings(sliced: dict[str, Any], doc: dict[str, Any], source: str) -> list[str]:
    """The slice's validation problems; each says whether the source has it at that place."""
    try:
        found = problems(sliced, f"{source} (sliced)")
    except ToolError as err:
        return [f"{source}: the slice was not validated: {err}"]
    except Exception as err:  # the validator itself fails on some broken documents
        return [f"{source}: the slice could not be validated ({describe(err)})."]
    warnings = []
    for problem in found:
        if not problem.pointer:
            origin = "the validator gives no place"
        elif _exists(doc, parse_json_pointer(problem.pointer)):
            origin = "at the same place in the source document"
        else:
            origin = "new in the slice"
        warnings.append(f"{source} (sliced): {problem} ({origin})")
    return warnings
