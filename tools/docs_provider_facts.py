"""What a provider page says about a provider, gathered without running its API.

The adapter module (docstring, `DEFAULT_MODEL`, `OPTIONS`, the `Raw` alias, the errors it
raises), the operations of the shipped effective spec, and the runtime's view of the
provider (image_classify._providers, which reads the manifest).
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from pathlib import Path

from image_classify._providers import ProviderInfo, provider_info
from image_classify._spec_files import effective_spec
from image_classify.adapters import adapter_for
from tools.docs_adapter_errors import RaisedError, adapter_errors
from tools.manifest import ROOT


@dataclass(frozen=True)
class Operation:
    """An operation of the effective spec, as a row of the page's API table."""

    method: str
    path: str
    summary: str


@dataclass(frozen=True)
class AdapterFacts:
    """What a provider page says about its adapter module."""

    module: str
    path: str
    docstring: str
    default_model: str | None
    options: tuple[str, ...]
    raw: str  # the `Raw` alias as written
    raw_imports: tuple[str, ...]  # the modules the names in `raw` come from
    errors: tuple[RaisedError, ...]


def _raw_alias(tree: ast.Module) -> tuple[str, tuple[str, ...]]:
    """The `Raw` alias as written, and the modules its names are imported from."""
    imports = {
        alias.asname or alias.name: node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    for node in tree.body:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        if isinstance(target, ast.Name) and target.id == "Raw" and value is not None:
            names = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
            modules = sorted({imports[n] for n in names if n in imports})
            return ast.unparse(value), tuple(modules)
    return "", ()


def adapter_facts(key: str) -> AdapterFacts:
    module = adapter_for(key)
    source = Path(inspect.getfile(module))
    tree = ast.parse(source.read_text(encoding="utf-8"))
    raw, raw_imports = _raw_alias(tree)
    return AdapterFacts(
        module=module.__name__,
        path=source.relative_to(ROOT).as_posix(),
        docstring=inspect.getdoc(module) or "",
        default_model=module.DEFAULT_MODEL,
        options=tuple(sorted(module.OPTIONS)),
        raw=raw,
        raw_imports=raw_imports,
        errors=adapter_errors(tree, vars(module)),
    )


def operations(key: str) -> list[Operation]:
    """The operations of the provider's effective spec (the one the client is made from)."""
    found = []
    for path, item in effective_spec(key).get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                summary = operation.get("summary") or operation.get("operationId") or ""
                found.append(Operation(method.upper(), path, str(summary).replace("|", "\\|")))
    return found


def runtime_info(key: str) -> ProviderInfo:
    """The runtime's view of the provider (image_classify._providers)."""
    return provider_info(key)
