"""The documentation site's MkDocs hook (`hooks:` in mkdocs.yml): the pages that are data.

A page per provider (`providers/KEY.md`) and the providers overview are written at build
time from the manifest (`image_classify/providers.toml`), each adapter module (its
docstring, `DEFAULT_MODEL`, `OPTIONS`, `Raw` and the errors it raises) and the shipped
effective spec (the operations). The nav's "Providers" section lists them in manifest
order, so a sixth provider gets its page without anyone editing docs/. The CLI page's
`--help` text comes from running the command. CONTRIBUTING.md and (when it is there, also
in the nav) CHANGELOG.md become pages, their links to docs/ rebased.

Markers in hand-written pages are replaced on the way through:

    <!-- docs-site: providers-table -->   one row per provider (home page)
    <!-- docs-site: credentials-table --> the environment variables per provider
    <!-- docs-site: cli-help -->          `image-classify --help` and each command's
    <!-- docs-site: api-reference -->     `::: image_classify.NAME` per name of __all__

Nothing here reaches the network. A marker that cannot be filled (the CLI fails to
start) is a warning, which `mkdocs build --strict` turns into a failed build.
"""

from __future__ import annotations

import ast
import html
import inspect
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from image_classify._providers import ProviderInfo, provider_info
from image_classify._spec_files import effective_spec
from image_classify.adapters import adapter_for
from tools.manifest import ROOT, Provider, load_providers

log = get_plugin_logger("docs_site")

PROVIDERS_DIR = "providers"
PROVIDERS_INDEX = f"{PROVIDERS_DIR}/index.md"
# Files at the project root shown as pages: page -> (file, whether the site needs it).
ROOT_PAGES = {
    "contributing.md": (ROOT / "CONTRIBUTING.md", True),
    "changelog.md": (ROOT / "CHANGELOG.md", False),
}
CHANGELOG_PAGE = "changelog.md"
DOCS_PREFIX = "docs/"
# A markdown link or image target: [text](target) / ![alt](target).
LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")
MARKER = re.compile(r"<!-- docs-site: ([a-z-]+) -->")
# A formatted value in an error message shows its value when it is a constant of the
# adapter (or an argument it passes to a helper), else <name> for a plain name and "…" for
# anything longer (a join, a call): the reader needs the sentence, not the expression.
ELLIPSIS = "…"
# Where the runnable examples read their image from; the tests put the sample there.
EXAMPLE_IMAGE = "cat.jpg"
HELP_COLUMNS = "88"
# The CLI lists its commands under this heading in --help (click's layout).
COMMANDS_HEADING = "Commands:"


@dataclass(frozen=True)
class RaisedError:
    """An error an adapter raises: the class name and its message, as a sentence."""

    name: str
    message: str


@dataclass(frozen=True)
class Operation:
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


# --- facts -------------------------------------------------------------------------------


def _message(node: ast.expr, names: dict[str, Any]) -> str | None:
    """The text of a str literal or f-string: a formatted module-level str constant shows
    its value, another name as <name>, anything else as "…"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                inner = value.value
                if isinstance(inner, ast.Name) and isinstance(names.get(inner.id), str | int):
                    parts.append(str(names[inner.id]))
                else:
                    parts.append(f"<{inner.id}>" if isinstance(inner, ast.Name) else ELLIPSIS)
        return "".join(parts)
    return None


def _raised(tree: ast.AST, names: dict[str, Any]) -> Iterator[RaisedError]:
    """The `raise SomethingError("...")` statements under `tree`, messages rendered with
    `names` (values known for the names the message formats)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call):
            continue
        func = node.exc.func
        name = func.id if isinstance(func, ast.Name) else None
        if name is None or not name.endswith("Error"):
            continue
        first = node.exc.args[0] if node.exc.args else None
        yield RaisedError(name, (_message(first, names) if first is not None else None) or "")


def _value(node: ast.expr, names: dict[str, Any]) -> Any:
    """A call argument's value when it is known without running anything: a literal, or
    a module-level constant of the adapter; None otherwise."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and isinstance(names.get(node.id), str | int):
        return names[node.id]
    return None


def _helper_errors(tree: ast.Module, names: dict[str, Any]) -> Iterator[RaisedError]:
    """Errors of the shared helpers (image_classify.adapters.base) the adapter calls, their
    messages filled in with the arguments this adapter passes (literals and constants)."""
    from image_classify.adapters import base

    helpers = {
        node.name: node
        for node in ast.parse(Path(inspect.getfile(base)).read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef)
    }
    seen: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        helper = helpers.get(node.func.id)
        if helper is None or helper.name in seen:
            continue
        seen.add(helper.name)
        params = [arg.arg for arg in helper.args.args]
        bound = {
            param: value
            for param, arg in zip(params, node.args, strict=False)
            if (value := _value(arg, names)) is not None
        }
        bound.update(
            {
                keyword.arg: value
                for keyword in node.keywords
                if keyword.arg and (value := _value(keyword.value, names)) is not None
            }
        )
        yield from _raised(helper, bound)


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
    errors: dict[RaisedError, None] = dict.fromkeys(
        [*_raised(tree, vars(module)), *_helper_errors(tree, vars(module))]
    )
    return AdapterFacts(
        module=module.__name__,
        path=source.relative_to(ROOT).as_posix(),
        docstring=inspect.getdoc(module) or "",
        default_model=module.DEFAULT_MODEL,
        options=tuple(sorted(module.OPTIONS)),
        raw=raw,
        raw_imports=raw_imports,
        errors=tuple(errors),
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


# --- pages -------------------------------------------------------------------------------


def _literal(value: Any) -> str:
    """A Python literal as the examples write it (double-quoted strings, as ruff would)."""
    return json.dumps(value) if isinstance(value, str) else repr(value)


def _credentials(info: ProviderInfo) -> str:
    keys = " or ".join(f"`{name}`" for name in info.auth.env)
    extra = "".join(f" + `{name}`" for name in info.auth.extra_env)
    return keys + extra


def _example_model(info: ProviderInfo, facts: AdapterFacts) -> str | None:
    """The model an example passes: the manifest's example model, unless the adapter's
    default already is one."""
    if facts.default_model is not None:
        return None
    return info.example_model


def _kwargs(pairs: dict[str, Any]) -> str:
    return "".join(f", {name}={_literal(value)}" for name, value in pairs.items())


def example_code(info: ProviderInfo, facts: AdapterFacts) -> str:
    """A program that classifies EXAMPLE_IMAGE with the real API (credentials from the
    environment)."""
    model = _example_model(info, facts)
    args = _kwargs({"model": model} if model else {})
    return (
        "from image_classify import Classifier\n"
        "\n"
        f"# {_credentials(info).replace('`', '')} from the environment\n"
        f'with Classifier("{info.key}"{args}) as clf:\n'
        f'    result = clf.classify("{EXAMPLE_IMAGE}", top_k=3)\n'
        "    for prediction in result.predictions:\n"
        "        print(prediction.label, prediction.score)\n"
    )


def offline_code(info: ProviderInfo, facts: AdapterFacts) -> str:
    """The same call against the in-process fake (image_classify.testing): no key, no
    network; answers are the spec's examples."""
    model = _example_model(info, facts)
    args = _kwargs({"model": model} if model else {}) + _kwargs(dict(info.mock_options))
    return (
        "from image_classify import Classifier\n"
        "from image_classify.testing import fake_transport\n"
        "\n"
        f'with Classifier("{info.key}"{args}, api_key="any",\n'
        f'                transport=fake_transport("{info.key}")) as clf:\n'
        f'    print(clf.classify("{EXAMPLE_IMAGE}").top)\n'
    )


def _auth_sentence(info: ProviderInfo) -> str:
    auth = info.auth
    if auth.style == "bearer":
        how = f"sent as `{auth.name}: Bearer <key>`"
    elif auth.style == "query":
        how = f"sent in the `{auth.name}` query parameter"
    else:
        how = f"sent in the `{auth.name}` header"
    return how


def provider_page(provider: Provider) -> str:
    key = provider.key
    info = runtime_info(key)
    facts = adapter_facts(key)
    lines = [f"# {info.title}", "", f"Provider key: `{key}`. {facts.docstring}", ""]

    lines += ["## API", "", "| method | path | what |", "|---|---|---|"]
    lines += [f"| `{op.method}` | `{op.path}` | {op.summary} |" for op in operations(key)]
    origin = (
        "kept verbatim as upstream publishes it"
        if provider.origin == "upstream"
        else "hand-written from the provider's documentation"
    )
    lines += [
        "",
        f"Spec: `{provider.rel(provider.spec)}` ({origin}), customized by "
        + ", ".join(f"`{provider.rel(path)}`" for path in provider.overlays)
        + f". Generated client package: `{info.package}`.",
        "",
    ]

    lines += ["## Models", ""]
    if facts.default_model is not None:
        lines.append(f"Default model: `{facts.default_model}` (used when you pass no `model`).")
        if info.example_model:
            lines.append(f"Example model (also used against the mock): `{info.example_model}`.")
    elif info.example_model:
        lines.append(
            f"No default: `model=` is required, for example `{info.example_model}` (the one "
            "used against the mock)."
        )
    else:
        lines.append("No model to choose: leave `model` out.")
    lines += [
        "",
        f"`result.raw` is the provider's typed answer: `{facts.raw}`"
        + (
            " (from " + ", ".join(f"`{module}`" for module in facts.raw_imports) + ")."
            if facts.raw_imports
            else "."
        ),
        "",
    ]

    lines += ["## Options", ""]
    if facts.options:
        lines += [
            "Provider options, as keyword arguments of `Classifier(...)` (defaults for every "
            "call), of `classify(...)` (one call), or `--option NAME=VALUE` on the command "
            "line:",
            "",
        ]
        lines += [f"- `{name}`" for name in facts.options]
    else:
        lines.append("This provider takes no provider options.")
    lines += ["", "`top_k=K` works with every provider: it keeps the K best labels.", ""]

    lines += [
        "## Credentials",
        "",
        "The API key: "
        + " or ".join(f"`{name}`" for name in info.auth.env)
        + (" (the first one set wins)" if len(info.auth.env) > 1 else "")
        + f", or `api_key=` on the classifier; {_auth_sentence(info)}. Without one the call "
        "is a `MissingCredentialsError` naming the variable, before anything is sent. Keys "
        "never appear in logs, error messages or reprs.",
    ]
    if info.auth.extra_env:
        lines += [
            "",
            "The provider also needs "
            + " and ".join(f"`{name}`" for name in info.auth.extra_env)
            + " (or the provider option that stands for it, "
            + ", ".join(f"`{name}`" for name in info.mock_options)
            + ").",
        ]
    lines += [""]

    lines += [
        "## Base URL",
        "",
        f"Default: `{info.base_url}`. Override it with `base_url=` (or `--base-url`), or "
        f"with the environment variable `{info.base_url_env}`; `base_url=` wins.",
        f"Its local Prism mock listens on `http://127.0.0.1:{info.mock_port}` "
        "(`image-classify mock " + key + "`).",
        "",
    ]
    if info.request_id_header:
        lines += [
            f"The request id of an answer is its `{info.request_id_header}` header "
            "(`classify_detailed(...).request_id`, and `request_id` of an `APIStatusError`).",
            "",
        ]

    lines += ["## Errors specific to this provider", ""]
    if facts.errors:
        lines += ["Raised by the adapter before anything is sent:", ""]
        lines += [
            f"- `{error.name}`"
            + (f": {html.escape(error.message, quote=False)}" if error.message else "")
            for error in facts.errors
        ]
    else:
        lines.append("None beyond the common ones.")
    lines += [
        "",
        "HTTP failures are the common typed errors (`AuthenticationError`, "
        "`RateLimitError`, ...): see the [API reference](../reference/errors.md).",
        "",
    ]

    lines += [
        "## Example",
        "",
        "```python",
        example_code(info, facts).rstrip("\n"),
        "```",
        "",
        "Without a key or the network, against the in-process fake of "
        "[the testing helpers](../testing.md) (answers are the spec's examples):",
        "",
        "```python",
        offline_code(info, facts).rstrip("\n"),
        "```",
        "",
        "From the command line:",
        "",
        "```bash",
        f"image-classify {EXAMPLE_IMAGE} --provider {key}"
        + (f" --model {_example_model(info, facts)}" if _example_model(info, facts) else "")
        + " --top-k 3",
        f"image-classify {EXAMPLE_IMAGE} --provider {key} --mock   # against its local Prism mock",
        "```",
        "",
        f"Adapter: `{facts.path}`.",
        "",
    ]
    return "\n".join(lines)


def providers_table() -> str:
    lines = ["| provider | key | default model | options | credentials |", "|---|---|---|---|---|"]
    for key in load_providers():
        info = runtime_info(key)
        facts = adapter_facts(key)
        model = facts.default_model or info.example_model
        lines.append(
            f"| [{info.title}](providers/{key}.md) | `{key}` | "
            + (f"`{model}`" if model else "(none to choose)")
            + (" (example)" if model and facts.default_model is None else "")
            + " | "
            + ", ".join(f"`{name}`" for name in facts.options)
            + f" | {_credentials(info)} |"
        )
    return "\n".join(lines)


def credentials_table() -> str:
    lines = ["| provider | credentials | base URL override |", "|---|---|---|"]
    for key in load_providers():
        info = runtime_info(key)
        lines.append(f"| `{key}` | {_credentials(info)} | `{info.base_url_env}` |")
    return "\n".join(lines)


def providers_index() -> str:
    table = providers_table().replace("](providers/", "](")
    return "\n".join(
        [
            "# Providers",
            "",
            "Each page is written from the manifest (`image_classify/providers.toml`), the "
            "provider's adapter (`image_classify/adapters/KEY.py`) and its effective spec "
            "when the site is built.",
            "",
            table,
            "",
        ]
    )


def _help(*args: str) -> str:
    env = {**os.environ, "COLUMNS": HELP_COLUMNS, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "image_classify", *args, "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"`image-classify {' '.join(args)} --help` exited {done.returncode}: "
            f"{done.stderr.strip()[-500:]}"
        )
    return done.stdout.replace("python -m image_classify", "image-classify").rstrip()


def _commands(top: str) -> list[str]:
    """The command names click lists under "Commands:" in the top-level help."""
    names: list[str] = []
    inside = False
    for line in top.splitlines():
        if line.strip() == COMMANDS_HEADING:
            inside = True
        elif inside:
            match = re.match(r"^  (\S+)\s", line + " ")
            if not line.strip() or not match:
                break
            names.append(match.group(1))
    return names


def cli_help() -> str:
    top = _help()
    parts = ["```text", f"$ image-classify --help\n{top}", "```", ""]
    for name in _commands(top):
        parts += ["```text", f"$ image-classify {name} --help\n{_help(name)}", "```", ""]
    return "\n".join(parts)


def _kind(value: Any) -> str:
    if isinstance(value, type) and issubclass(value, BaseException):
        return "errors"
    if isinstance(value, type):
        return "classes"
    if inspect.isfunction(value) or inspect.isbuiltin(value):
        return "functions"
    return "other"


API_GROUPS = (
    ("classes", "Client objects, results and options"),
    ("functions", "Functions"),
    ("other", "Constants and types"),
)


def api_reference() -> str:
    """`::: image_classify.NAME` for every name of `image_classify.__all__`, by kind, in
    `__all__` order; the errors (image_classify.errors, re-exported) are listed with links
    to their own page instead of being rendered twice."""
    import image_classify

    # Classifier and AsyncClassifier are what most readers look for: first.
    names = sorted(image_classify.__all__, key=lambda name: (not name.endswith("Classifier"), name))
    kinds = {name: _kind(getattr(image_classify, name)) for name in names}
    parts: list[str] = []
    for kind, heading in API_GROUPS:
        chosen = [name for name in names if kinds[name] == kind]
        if chosen:
            parts += [f"## {heading}", ""]
            parts += [f"::: image_classify.{name}\n" for name in chosen]
    errors = [name for name in names if kinds[name] == "errors"]
    if errors:
        parts += [
            "## Errors",
            "",
            "Exported here too, documented in [image_classify.errors](errors.md): "
            + ", ".join(f"[`{name}`][image_classify.errors.{name}]" for name in errors)
            + ".",
            "",
        ]
    return "\n".join(parts)


FILLERS = {
    "api-reference": api_reference,
    "providers-table": providers_table,
    "credentials-table": credentials_table,
    "cli-help": cli_help,
}


# --- MkDocs events -----------------------------------------------------------------------


def rebase_links(markdown: str) -> str:
    """A root file's relative links as a page at the top of docs/ sees them: `docs/X` is
    `X`; a link to another file of the checkout (not part of the site) keeps its text
    and names the file; URLs and #anchors stay as they are."""

    def rebase(match: re.Match[str]) -> str:
        bang, text, target = match.groups()
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("#"):
            return match.group(0)
        if target.startswith(DOCS_PREFIX):
            return f"{bang}[{text}]({target.removeprefix(DOCS_PREFIX)})"
        path = target.split("#", 1)[0]
        return text if text.strip("`") == path else f"{text} (`{path}`)"

    return LINK.sub(rebase, markdown)


def _provider_nav(items: list[Any]) -> bool:
    """Append a nav entry per provider to the list holding PROVIDERS_INDEX."""
    for item in items:
        children = next(iter(item.values())) if isinstance(item, dict) else None
        if isinstance(children, list):
            if PROVIDERS_INDEX in children:
                children.extend(
                    {runtime_info(key).title: f"{PROVIDERS_DIR}/{key}.md"}
                    for key in load_providers()
                )
                return True
            if _provider_nav(children):
                return True
    return False


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    nav = config.nav
    if nav is not None:
        if not _provider_nav(nav):
            log.warning(f"nav has no section holding {PROVIDERS_INDEX}: provider pages unlisted")
        if ROOT_PAGES[CHANGELOG_PAGE][0].is_file():
            nav.append({"Changelog": CHANGELOG_PAGE})
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    pages = {PROVIDERS_INDEX: providers_index()}
    pages.update(
        {f"{PROVIDERS_DIR}/{key}.md": provider_page(p) for key, p in load_providers().items()}
    )
    for uri, (path, needed) in ROOT_PAGES.items():
        if path.is_file():
            pages[uri] = rebase_links(path.read_text(encoding="utf-8"))
        elif needed:
            log.warning(f"{path.relative_to(ROOT)} is missing: the site shows it as {uri}")
    for uri, content in pages.items():
        if files.get_file_from_path(uri) is not None:
            log.warning(f"docs/{uri} exists, but the site generates it: remove the file")
            continue
        files.append(File.generated(config, uri, content=content))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    def fill(match: re.Match[str]) -> str:
        filler = FILLERS.get(match.group(1))
        if filler is None:
            log.warning(f"{page.file.src_uri}: unknown marker {match.group(0)}")
            return match.group(0)
        try:
            return filler()
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            log.warning(f"{page.file.src_uri}: cannot fill {match.group(0)}: {exc}")
            return match.group(0)

    return MARKER.sub(fill, markdown)
