"""The runtime's view of the manifest (`image_classify/providers.toml`, shipped inside the
package): what each provider needs at run time. The pipeline (tools/) reads the same file
and adds its own keys (spec, overlays, generator config, mock port).
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import httpx

# Lives with the other typed errors; imported here so `provider_info` can raise it and
# existing imports from this module keep working.
from image_classify.errors import OptionError, UnknownProviderError

AUTH_STYLES = ("header", "query", "bearer")
MANIFEST_NAME = "image_classify/providers.toml"


class ManifestError(ValueError):
    """The manifest is malformed: names the key and says what to fix."""


@dataclass(frozen=True)
class Auth:
    style: str  # header | query | bearer
    name: str  # header or query parameter name ("Authorization" for bearer)
    env: tuple[str, ...]  # variables holding the credential, first set wins
    extra_env: tuple[str, ...] = ()  # further variables the provider needs (an account id)


@dataclass(frozen=True)
class ProviderInfo:
    key: str
    title: str
    package: str
    base_url: str
    auth: Auth
    request_id_header: str | None = None
    example_model: str | None = None
    # [mock] options: provider options for calls against the mocks (an account id)
    mock_options: Mapping[str, Any] = field(default_factory=dict)
    # the loopback port `image-classify mock` serves this provider on
    mock_port: int = 0

    @property
    def base_url_env(self) -> str:
        """The environment variable that overrides the manifest's base URL."""
        return f"IMAGE_CLASSIFY_{self.key.upper()}_BASE_URL"


def need(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    """`table[key]`, checked to be a `kind`; a ManifestError naming the place otherwise."""
    if key not in table:
        raise ManifestError(f"{MANIFEST_NAME}: [{where}] has no `{key}`. Add it.")
    value = table[key]
    if not isinstance(value, kind):
        raise ManifestError(
            f"{MANIFEST_NAME}: [{where}] `{key}` must be a {kind.__name__}, "
            f"got {type(value).__name__}."
        )
    return value


def parse_auth(table: dict[str, Any], where: str) -> Auth:
    auth = need(table, "auth", dict, where)
    style = need(auth, "style", str, f"{where}.auth")
    if style not in AUTH_STYLES:
        raise ManifestError(
            f"{MANIFEST_NAME}: [{where}.auth] style = {style!r} "
            f"is not one of {', '.join(AUTH_STYLES)}."
        )
    return Auth(
        style=style,
        name=need(auth, "name", str, f"{where}.auth"),
        env=tuple(need(auth, "env", list, f"{where}.auth")),
        extra_env=tuple(auth.get("extra_env", [])),
    )


def parse_mock_options(table: dict[str, Any], auth: Auth, where: str) -> dict[str, Any]:
    """`[where.mock] options`: provider options for calls against the mocks (placeholders
    for what auth.extra_env would hold, e.g. an account id); required with extra_env."""
    mock = table.get("mock", {})
    if not isinstance(mock, dict):
        raise ManifestError(f"{MANIFEST_NAME}: [{where}] `mock` must be a table.")
    options = mock.get("options", {})
    if not isinstance(options, dict):
        raise ManifestError(
            f"{MANIFEST_NAME}: [{where}.mock] `options` must be a table of NAME = value."
        )
    if auth.extra_env and not options:
        raise ManifestError(
            f"{MANIFEST_NAME}: [{where}.mock] has no `options`, but the provider needs "
            f"{', '.join(auth.extra_env)}: add the option that stands in for it against "
            'the mocks (e.g. options = { account_id = "..." }).'
        )
    return dict(options)


def parse_manifest(text: str) -> dict[str, dict[str, Any]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{MANIFEST_NAME}: not valid TOML: {exc}. Fix the syntax.") from None
    tables = data.get("providers")
    if not isinstance(tables, dict) or not tables:
        raise ManifestError(f"{MANIFEST_NAME}: no [providers.NAME] tables. Add one per provider.")
    return tables


def manifest_text() -> str:
    return (resources.files("image_classify") / "providers.toml").read_text(encoding="utf-8")


@functools.cache
def providers() -> dict[str, ProviderInfo]:
    """Every provider, in manifest order."""
    found = {}
    for key, table in parse_manifest(manifest_text()).items():
        where = f"providers.{key}"
        auth = parse_auth(table, where)
        found[key] = ProviderInfo(
            key=key,
            title=need(table, "title", str, where),
            package=need(table, "package", str, where),
            base_url=need(table, "base_url", str, where),
            auth=auth,
            request_id_header=table.get("request_id_header"),
            example_model=table.get("example_model"),
            mock_options=parse_mock_options(table, auth, where),
            mock_port=need(table, "mock_port", int, where),
        )
    return found


def provider_info(name: str) -> ProviderInfo:
    known = providers()
    if name not in known:
        raise UnknownProviderError(name, tuple(known))
    return known[name]


def resolve_base_url(info: ProviderInfo, given: str | None) -> str:
    """`given`, else the provider's IMAGE_CLASSIFY_<KEY>_BASE_URL, else the manifest's;
    without a trailing slash (operation paths start with one). Not an http(s) URL with a
    host: an OptionError naming where it came from."""
    from_env = os.environ.get(info.base_url_env, "").strip()
    chosen = given or from_env or info.base_url
    source = "base_url" if given else (info.base_url_env if from_env else MANIFEST_NAME)
    try:
        url = httpx.URL(chosen)
    except (httpx.InvalidURL, TypeError):
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise OptionError(
            f"{source} = {chosen!r} is not an http(s) URL with a host; "
            f"e.g. {info.base_url!r} or http://127.0.0.1:4010."
        )
    return chosen.rstrip("/")
