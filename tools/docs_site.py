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

This module holds what MkDocs calls (on_config, on_files, on_page_markdown): it adds the
pages and nav entries and fills the markers. The text comes from tools/docs_provider_pages.py
(provider pages and tables, from tools/docs_provider_facts.py and docs_adapter_errors.py)
and tools/docs_reference_pages.py (CLI help, API reference).

Nothing here reaches the network. A marker that cannot be filled (the CLI fails to
start) is a warning, which `mkdocs build --strict` turns into a failed build.
"""

from __future__ import annotations

import re
import subprocess
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from tools.docs_provider_facts import runtime_info
from tools.docs_provider_pages import (
    credentials_table,
    provider_page,
    providers_index,
    providers_table,
)
from tools.docs_reference_pages import api_reference, cli_help
from tools.manifest import ROOT, load_providers

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
# The text each marker stands for, written when a page holding it is rendered.
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
