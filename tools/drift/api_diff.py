"""What a spec change does to the Python API of a generated client.

The committed package (generated/<package>) and the one generated from the new spec are
loaded with griffe (static analysis, nothing is imported). griffe's
`find_breaking_changes` finds removed objects and parameters, parameters that became
required or moved, and changed defaults. It does not compare type annotations or report
additions, and it sees a renamed parameter as a removal; `_Walk` adds those. The same
change of an endpoint's sync/asyncio variants is one change (tools/drift/api_variants.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import griffe

from tools.drift.api_variants import group_variants
from tools.drift.fetch import Source
from tools.drift.model import BREAKING, Change, ChangeRecord, Part
from tools.drift.rules import classify
from tools.drift.staging import scratch_folder, staged_client
from tools.errors import ToolError
from tools.manifest import Provider

PART: Part = "python-api"
_POSITIONAL = (griffe.ParameterKind.positional_only, griffe.ParameterKind.positional_or_keyword)


def load_package(package: str, search_path: Path) -> griffe.Object | griffe.Alias:
    """`search_path/package`, and only that copy (both sides have the same import name)."""
    try:
        return griffe.load(
            package,
            search_paths=[search_path],
            try_relative_path=False,
            resolve_aliases=True,
            allow_inspection=False,
            store_source=False,
        )
    except (ImportError, OSError, SyntaxError) as exc:
        raise ToolError(
            f"{search_path / package}: cannot be read as a Python package ({exc}). "
            "Run `python -m tools regen` to (re)create it."
        ) from None


def python_api_record(kind: str, location: str, detail: str, **extra: Any) -> Change:
    """A change of the Python API, rated by the registry (tools/drift/rules.py)."""
    return classify(
        ChangeRecord(
            kind=kind,
            method=None,
            path=None,
            detail=detail,
            part=PART,
            location=location,
            extra=extra,
        )
    )


def griffe_kind(kind: griffe.BreakageKind) -> str:
    """The change kind of a griffe breakage: `python-` and its name, e.g.
    `python-parameter-added-required` (each one registered in tools/drift/rules.py)."""
    return "python-" + kind.name.lower().replace("_", "-")


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _public(obj: griffe.Object | griffe.Alias) -> dict[str, griffe.Object]:
    """Public members defined here (imports and re-exports are checked where defined)."""
    return {
        name: member
        for name, member in obj.members.items()
        if isinstance(member, griffe.Object) and member.is_public
    }


@dataclass
class _Walk:
    """Additions, type changes and renames, which griffe does not report."""

    changes: list[Change] = field(default_factory=list)
    renamed: set[tuple[str, str]] = field(default_factory=set)  # (function path, old name)
    renamed_to: set[tuple[str, str]] = field(default_factory=set)  # (function path, new name)
    renamed_objects: set[str] = field(default_factory=set)  # old paths of renamed attributes

    def compare(self, old: griffe.Object | griffe.Alias, new: griffe.Object | griffe.Alias) -> None:
        before, after = _public(old), _public(new)
        twins = self.renamed_attributes(before, after) if isinstance(new, griffe.Class) else {}
        for name, member in after.items():
            previous = before.get(name)
            if previous is None:
                if name not in twins.values():
                    self.added(member)
            elif previous.kind is not member.kind:
                continue  # griffe reports the changed kind
            elif isinstance(member, griffe.Module | griffe.Class):
                self.compare(previous, member)
            elif isinstance(member, griffe.Function) and isinstance(previous, griffe.Function):
                self.function(previous, member)
            elif isinstance(member, griffe.Attribute) and isinstance(previous, griffe.Attribute):
                self.annotation(member.path, previous.annotation, member.annotation, "attribute")

    def renamed_attributes(
        self, before: dict[str, griffe.Object], after: dict[str, griffe.Object]
    ) -> dict[str, str]:
        """Old name -> new name, for an attribute that left a class while exactly one with
        the same type arrived (a renamed property); anything less certain stays a removal
        plus an addition."""

        def attributes(
            members: dict[str, griffe.Object], others: dict[str, griffe.Object]
        ) -> dict[str, str | None]:
            return {
                name: _text(member.annotation)
                for name, member in members.items()
                if isinstance(member, griffe.Attribute) and name not in others
            }

        gone, fresh = attributes(before, after), attributes(after, before)
        twins: dict[str, str] = {}
        for name, annotation in gone.items():
            same_old = [n for n, a in gone.items() if a == annotation]
            same_new = [n for n, a in fresh.items() if a == annotation]
            if len(same_old) == 1 and len(same_new) == 1:
                twins[name] = same_new[0]
                old_path, new_path = before[name].path, after[same_new[0]].path
                self.renamed_objects.add(old_path)
                self.changes.append(
                    python_api_record(
                        "python-attribute-renamed",
                        old_path,
                        f"attribute {old_path} is now {new_path} (same type, {annotation}): "
                        "code that reads or sets it by the old name breaks.",
                        old=old_path,
                        new=new_path,
                    )
                )
        return twins

    def added(self, obj: griffe.Object) -> None:
        if isinstance(obj, griffe.Module):  # a new model module: report what it defines
            for member in _public(obj).values():
                if not isinstance(member, griffe.Module):
                    self.added(member)
            return
        self.changes.append(
            python_api_record(
                "python-added",
                obj.path,
                f"new {obj.kind.value} {obj.path}.",
                object_kind=obj.kind.value,
            )
        )

    def annotation(self, where: str, old: object, new: object, what: str) -> None:
        if _text(old) != _text(new):
            self.changes.append(
                python_api_record(
                    "python-type-changed",
                    where,
                    f"the type of {what} {where} changed from {_text(old)} to {_text(new)}.",
                    old=_text(old),
                    new=_text(new),
                )
            )

    def function(self, old: griffe.Function, new: griffe.Function) -> None:
        names_before = {p.name for p in old.parameters}
        names_after = {p.name for p in new.parameters}
        positions = {p.name: i for i, p in enumerate(new.parameters)}
        gone = [(i, p) for i, p in enumerate(old.parameters) if p.name not in names_after]
        fresh = [p for p in new.parameters if p.name not in names_before]
        for index, param in gone:
            twin = next(
                (
                    candidate
                    for candidate in fresh
                    if candidate.kind is param.kind
                    and _text(candidate.annotation) == _text(param.annotation)
                    and (param.kind not in _POSITIONAL or positions[candidate.name] == index)
                ),
                None,
            )
            if twin is None:
                continue  # griffe reports the removal
            fresh.remove(twin)
            self.renamed.add((new.path, param.name))
            self.renamed_to.add((new.path, twin.name))
            self.changes.append(
                python_api_record(
                    "python-parameter-renamed",
                    f"{new.path}({param.name})",
                    f"parameter {param.name!r} of {new.path} is now called {twin.name!r}: "
                    "calls that pass it by name break.",
                    old=param.name,
                    new=twin.name,
                )
            )
        for param in fresh:
            if not param.required:  # a new required parameter is griffe's breakage
                self.changes.append(
                    python_api_record(
                        "python-added",
                        f"{new.path}({param.name})",
                        f"new optional parameter {param.name!r} of {new.path}.",
                        object_kind="parameter",
                    )
                )
        for param in new.parameters:
            if param.name in names_before:
                where = f"{new.path}({param.name})"
                before = old.parameters[param.name].annotation
                self.annotation(where, before, param.annotation, "parameter")
        self.annotation(new.path, old.returns, new.returns, "the return value of")


def _breakage_change(breakage: griffe.Breakage) -> Change:
    obj = breakage.obj
    param = next(
        (v for v in (breakage.old_value, breakage.new_value) if isinstance(v, griffe.Parameter)),
        None,
    )
    where = f"{obj.path}({param.name})" if param is not None else obj.path
    kind = breakage.kind
    if kind is griffe.BreakageKind.OBJECT_REMOVED:
        return python_api_record(
            "python-removed",
            obj.path,
            f"{obj.kind.value} {obj.path} was removed: code that imports or uses it breaks.",
            object_kind=obj.kind.value,
        )
    if kind is griffe.BreakageKind.PARAMETER_REMOVED and param is not None:
        return python_api_record(
            "python-parameter-removed",
            where,
            f"parameter {param.name!r} of {obj.path} was removed: calls that pass it break.",
        )
    old, new = breakage.old_value, breakage.new_value
    return python_api_record(
        griffe_kind(kind),
        where,
        f"{kind.value}: {where}"
        + (f" ({_describe(old)} -> {_describe(new)})" if old is not None or new is not None else "")
        + (f"; {breakage.details}" if breakage.details else "")
        + ".",
        old=_describe(old),
        new=_describe(new),
    )


def _describe(value: object) -> str | None:
    if isinstance(value, griffe.Parameter):
        default = f" = {value.default}" if value.default is not None else ""
        return f"{value.name}: {value.annotation}{default}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return _text(value)


def api_changes(package: str, old_root: Path, new_root: Path) -> list[Change]:
    """Differences between `old_root/package` and `new_root/package`, breaking first."""
    old = load_package(package, old_root)
    new = load_package(package, new_root)
    walk = _Walk()
    walk.compare(old, new)
    found: list[Change] = []
    for breakage in griffe.find_breaking_changes(old, new):
        param = breakage.old_value if breakage.new_value is None else breakage.new_value
        if isinstance(param, griffe.Parameter) and (
            (breakage.obj.path, param.name) in walk.renamed
            or (breakage.obj.path, param.name) in walk.renamed_to
        ):
            continue  # reported once, as a rename
        if (
            breakage.kind is griffe.BreakageKind.OBJECT_REMOVED
            and breakage.obj.path in walk.renamed_objects
        ):
            continue
        found.append(_breakage_change(breakage))
    found += walk.changes
    # The four functions of one endpoint change together: one line each change.
    found = group_variants(found)
    return sorted(found, key=lambda c: (c.severity != BREAKING, c.location or ""))


def python_api_drift(provider: Provider, source: Source) -> list[Change]:
    """Generate the client `source` would give (in scratch) and compare it with generated/.

    A spec that cannot be generated is itself the finding: update would fail the same way.
    """
    with scratch_folder(f"drift-{provider.key}-") as folder:
        try:
            _, package_dir = staged_client(provider, source, folder)
        except ToolError as exc:
            return [
                python_api_record(
                    "python-generation-failed",
                    provider.package,
                    f"no client can be generated from the new spec, so `python -m tools "
                    f"update` would fail: {str(exc).splitlines()[0]}",
                    error=str(exc),
                )
            ]
        changes = api_changes(provider.package, provider.package_dir.parent, package_dir.parent)
        from tools.drift.our_code import our_code_changes  # it uses python_api_record

        return changes + our_code_changes(provider, changes, package_dir.parent, folder)
