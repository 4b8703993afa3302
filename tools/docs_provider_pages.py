"""The provider pages: one per provider (`providers/KEY.md`), the providers overview
(`providers/index.md`), and the providers and credentials tables the hand-written pages
ask for with markers.

Everything comes from tools/docs_provider_facts.py (the manifest, the adapter, the
effective spec); the examples on each page are programs the tests run as written.
"""

from __future__ import annotations

import html
import json
from typing import Any

from image_classify._providers import ProviderInfo
from tools.docs_provider_facts import AdapterFacts, adapter_facts, operations, runtime_info
from tools.manifest import Provider, load_providers

# Where the runnable examples read their image from; the tests put the sample there.
EXAMPLE_IMAGE = "cat.jpg"


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
