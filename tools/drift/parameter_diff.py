"""The parameters of two matched operations: renamed path parameters, parameters added,
removed, moved to another location or renamed, and changes of the ones in both.

Parameters are keyed by (location, name), header names without case; the path item's
parameters apply unless the operation overrides them. Records only: severities come from
tools/drift/rules.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from tools.drift.document_side import Side, is_true, mapping
from tools.drift.model import ChangeRecord
from tools.drift.operations import Operation, Parts
from tools.pointers import json_pointer

if TYPE_CHECKING:
    from tools.drift.operation_diff import OperationDiff


class Parameter(NamedTuple):
    name: str
    location: str  # path, query, header, cookie
    required: bool
    schema: Any
    parts: Parts

    @property
    def label(self) -> str:
        return f"{self.location} parameter `{self.name}`"


def read_parameters(side: Side, op: Operation) -> dict[tuple[str, str], Parameter]:
    """Path-level parameters, overridden by operation-level ones, by (location, name)."""
    found: dict[tuple[str, str], Parameter] = {}
    owners: tuple[tuple[dict[str, Any], Parts], ...] = (
        (op.item, ("paths", op.path)),
        (op.node, op.parts),
    )
    for owner, base in owners:
        entries = owner.get("parameters")
        if entries is None:
            continue
        if not isinstance(entries, list):
            side.warn(f"{json_pointer(base)}/parameters is not a list; ignored.")
            continue
        for index, entry in enumerate(entries):
            parts = (*base, "parameters", index)
            param = side.resolve(entry)
            name, location = mapping(param).get("name"), mapping(param).get("in")
            if not isinstance(name, str) or not isinstance(location, str):
                side.warn(
                    f"{json_pointer(parts)} is not a parameter with a name and `in`; ignored."
                )
                continue
            schema = param.get("schema")
            if schema is None:  # `content: {media type: {schema}}` form
                media = next(iter(mapping(param.get("content")).values()), None)
                schema = mapping(media).get("schema")
            required = location == "path" or is_true(param.get("required"))
            key = name.lower() if location == "header" else name  # header names ignore case
            found[(location, key)] = Parameter(name, location, required, schema, parts)
    return found


def parameter_changes(diff: OperationDiff) -> Iterator[ChangeRecord]:
    renamed: dict[str, str] = {}
    for old_name, new_name in zip(diff.old.template_names, diff.new.template_names, strict=False):
        if old_name != new_name:
            renamed[old_name] = new_name
            yield diff.record(
                "path-parameter-renamed",
                f"path parameter `{old_name}` was renamed to `{new_name}` "
                "(the keyword argument of the client function changes).",
                diff.new.parts,
                old=old_name,
                new=new_name,
            )
    old_params = {
        (loc, renamed.get(name, name) if loc == "path" else name): param
        for (loc, name), param in read_parameters(diff.old_side, diff.old).items()
    }
    new_params = read_parameters(diff.new_side, diff.new)
    for key, old_param in old_params.items():
        if key in new_params:
            yield from _pair_changes(diff, old_param, new_params[key])
    removed = {key: param for key, param in old_params.items() if key not in new_params}
    added = {key: param for key, param in new_params.items() if key not in old_params}
    yield from _moved_or_renamed(diff, removed, added)
    for param in removed.values():
        yield diff.record(
            "parameter-removed",
            f"{param.label} was removed.",
            param.parts,
            parameter=param.name,
            **{"in": param.location},
        )
    for param in added.values():
        necessity = "required" if param.required else "optional"
        yield diff.record(
            "parameter-added",
            f"{necessity} {param.label} was added.",
            param.parts,
            parameter=param.name,
            required=param.required,
            **{"in": param.location},
        )


def _pair_changes(diff: OperationDiff, old: Parameter, new: Parameter) -> Iterator[ChangeRecord]:
    facts = {"parameter": new.name, "in": new.location}
    if old.required != new.required:
        yield diff.record(
            "parameter-required-changed",
            f"{new.label} is now {'required' if new.required else 'optional'}.",
            new.parts,
            old=old.required,
            new=new.required,
            **facts,
        )
    for sub in diff.schemas.compare_top(old.schema, new.schema):
        yield diff.record(
            "parameter-type-changed",
            f"{new.label}: {sub.describe()}.",
            new.parts,
            **facts,
            **sub.facts(),
        )


def _moved_or_renamed(
    diff: OperationDiff,
    removed: dict[tuple[str, str], Parameter],
    added: dict[tuple[str, str], Parameter],
) -> Iterator[ChangeRecord]:
    """Take matched pairs out of `removed`/`added`: moved (same name, other location),
    then renamed (the only removed and only added one of a location, same schema)."""
    for old_key, old in list(removed.items()):
        new_key = next((k for k in added if k[1] == old_key[1] and k[0] != old_key[0]), None)
        if new_key is None:
            continue
        new = added.pop(new_key)
        del removed[old_key]
        yield diff.record(
            "parameter-moved",
            f"parameter `{new.name}` moved from {old.location} to {new.location}.",
            new.parts,
            parameter=new.name,
            old=old.location,
            new=new.location,
        )
    for location in sorted({key[0] for key in removed}):
        olds = [key for key in removed if key[0] == location]
        news = [key for key in added if key[0] == location]
        if len(olds) != 1 or len(news) != 1:
            continue
        old, new = removed[olds[0]], added[news[0]]
        if diff.schemas.compare(old.schema, new.schema):
            continue
        del removed[olds[0]], added[news[0]]
        yield diff.record(
            "parameter-renamed",
            f"{old.label} was renamed to `{new.name}` (same schema).",
            new.parts,
            old=old.name,
            new=new.name,
            **{"in": location},
        )
