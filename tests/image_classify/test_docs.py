"""docs/runtime.md's provider table says exactly what the manifest says.

Regenerate it with `python -m tests.image_classify.test_docs` and paste it between the markers.
"""

from __future__ import annotations

from pathlib import Path

from image_classify._providers import ProviderInfo, providers

DOC = Path(__file__).resolve().parents[2] / "docs" / "runtime.md"
START, END = "<!-- providers-table:start -->", "<!-- providers-table:end -->"


def how(info: ProviderInfo) -> str:
    auth = info.auth
    if auth.style == "query":
        return f"query parameter `{auth.name}`"
    if auth.style == "bearer":
        return f"header `{auth.name}: Bearer <key>`"
    return f"header `{auth.name}: <key>`"


def table() -> str:
    rows = [
        "| provider | key from (first set wins) | sent as | also needs | default base URL "
        "| base URL variable | request id header |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, info in providers().items():
        env = ", ".join(f"`{name}`" for name in info.auth.env)
        extra = ", ".join(f"`{name}`" for name in info.auth.extra_env) or "-"
        request_id = f"`{info.request_id_header}`" if info.request_id_header else "-"
        rows.append(
            f"| `{key}` ({info.title}) | {env} | {how(info)} | {extra} | {info.base_url} "
            f"| `{info.base_url_env}` | {request_id} |"
        )
    return "\n".join(rows)


def test_docs_table_matches_the_manifest() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text, f"{DOC} lacks the table markers"
    between = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert between == table(), "run `python -m tests.image_classify.test_docs` and paste its output"


if __name__ == "__main__":
    print(table())
