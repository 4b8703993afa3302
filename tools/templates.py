"""Fixes to openapi-python-client's own templates, applied to the pinned version.

The generator loads a custom template folder ahead of its package templates. Rather
than fork whole template files, we copy the installed file and replace exactly the
broken lines, and refuse to run if they are not there (a generator upgrade must be
looked at, not silently patched).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tools.errors import ToolError


@dataclass(frozen=True)
class Patch:
    template: str
    why: str
    old: str
    new: str


# The context-manager protocol's parameters (the generator's ruff run formats the line).
_EXIT_PARAMETERS = (
    "self, exc_type: type[BaseException] | None = None, "
    "exc_value: BaseException | None = None, traceback: TracebackType | None = None"
)

PATCHES = (
    Patch(
        template="endpoint_macros.py.jinja",
        why=(
            "openapi-python-client 0.29.1: for a request body with several media types, "
            "`body_required` is set inside a Jinja for-loop, where the assignment does not "
            "outlive the iteration; the body is always typed `| Unset = UNSET` (even when "
            "required), and `Unset` is not imported unless some other argument is optional, "
            "so the module fails to import (NameError). A namespace carries the value out."
        ),
        old=(
            "body:\n"
            "    {%- for body in endpoint.bodies -%}"
            "{% set body_required = body_required and body.prop.required %}\n"
        ),
        new=(
            "{% set body_ns = namespace(required=true) %}\n"
            "body:\n"
            "    {%- for body in endpoint.bodies -%}"
            "{% set body_ns.required = body_ns.required and body.prop.required %}\n"
        ),
    ),
    Patch(
        template="endpoint_macros.py.jinja",
        why="(the same fix: read the value from the namespace)",
        old="{%- endfor -%}{% if not body_required %} | Unset = UNSET{% endif %}",
        new="{%- endfor -%}{% if not body_ns.required %} | Unset = UNSET{% endif %}",
    ),
    Patch(
        template="endpoint_macros.py.jinja",
        why=(
            "openapi-python-client 0.29.1: a raw (application/octet-stream) body is passed "
            "to httpx as the File's file object. httpx turns a file object into a sync-only "
            "stream, so every asyncio/asyncio_detailed call with such a body raises "
            "RuntimeError('Attempted to send an sync request with an AsyncClient'). "
            "Bytes work for both clients: read the payload."
        ),
        old=(
            "{% if body.prop.required %}\n"
            '_kwargs["content"] = body.payload\n'
            "    {% else %}\n"
            "if not isinstance(body, Unset):\n"
            '    _kwargs["content"] = body.payload\n'
        ),
        new=(
            "{% if body.prop.required %}\n"
            '_kwargs["content"] = body.payload.read()\n'
            "    {% else %}\n"
            "if not isinstance(body, Unset):\n"
            '    _kwargs["content"] = body.payload.read()\n'
        ),
    ),
    Patch(
        template="client.py.jinja",
        why=(
            "openapi-python-client 0.29.1: __exit__ and __aexit__ take `*args: Any, "
            "**kwargs: Any` and forward them to httpx's typed signatures: 12 arg-type errors "
            "per client under mypy --strict (2.4). The context-manager protocol's own "
            "parameters, passed on as they are, type-check (this needs TracebackType)."
        ),
        old="import ssl\nfrom typing import Any, Self\n",
        new="import ssl\nfrom types import TracebackType\nfrom typing import Any, Self\n",
    ),
    Patch(
        template="client.py.jinja",
        why="(the same fix: __exit__ takes the protocol's parameters)",
        old="    def __exit__(self, *args: Any, **kwargs: Any) -> None:\n",
        new=f"    def __exit__({_EXIT_PARAMETERS}) -> None:\n",
    ),
    Patch(
        template="client.py.jinja",
        why="(the same fix: __exit__ passes them on)",
        old="self.get_httpx_client().__exit__(*args, **kwargs)",
        new="self.get_httpx_client().__exit__(exc_type, exc_value, traceback)",
    ),
    Patch(
        template="client.py.jinja",
        why="(the same fix: __aexit__ takes the protocol's parameters)",
        old="    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:\n",
        new=f"    async def __aexit__({_EXIT_PARAMETERS}) -> None:\n",
    ),
    Patch(
        template="client.py.jinja",
        why="(the same fix: __aexit__ passes them on)",
        old="await self.get_async_httpx_client().__aexit__(*args, **kwargs)",
        new="await self.get_async_httpx_client().__aexit__(exc_type, exc_value, traceback)",
    ),
)


def _stock(name: str) -> str:
    return (resources.files("openapi_python_client") / "templates" / name).read_text("utf-8")


def write_templates(folder: Path) -> Path:
    """Write the patched templates into `folder`; return it (for --custom-template-path)."""
    folder.mkdir(parents=True, exist_ok=True)
    texts: dict[str, str] = {}
    for patch in PATCHES:
        text = texts.get(patch.template) or _stock(patch.template)
        if text.count(patch.old) != 1:
            raise ToolError(
                f"tools/templates.py: the generator's {patch.template} no longer contains the "
                f"lines this patch replaces ({patch.why[:80]}...). The generator was upgraded: "
                "check whether the bug is fixed and update or drop the patch."
            )
        texts[patch.template] = text.replace(patch.old, patch.new)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def templates_sha256() -> str:
    """Identity of the patches, for the lock."""
    digest = hashlib.sha256()
    for patch in PATCHES:
        digest.update(f"{patch.template}\0{patch.old}\0{patch.new}\0".encode())
    return digest.hexdigest()
