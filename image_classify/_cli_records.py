"""What `image-classify` writes per finished image: JSON lines or CSV rows.

Each record names the image, provider, model and options, so that a rerun with the same
`--output FILE` can tell which images are done (image_classify._cli_resume). A record is
always one physical line: newlines in messages become spaces, so a line cut short by a
crash is recognisable as the file's unterminated tail.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Literal

from image_classify._results import ClassificationResult

Format = Literal["table", "jsonl", "csv"]
FORMATS: tuple[Format, ...] = ("table", "jsonl", "csv")
# The spec'd columns, then the options (JSON) that a resumed run must match.
CSV_HEADER = (
    "source",
    "provider",
    "model",
    "rank",
    "label",
    "score",
    "latency_ms",
    "error",
    "options",
)


@dataclass(frozen=True)
class Outcome:
    """One image classified (or not) by one provider, with the time the call took."""

    source: str
    provider: str
    model: str | None  # the model asked for (the provider's default when None was given)
    options: dict[str, Any]  # provider options and top_k, as the resume key records them
    result: ClassificationResult[Any] | None
    error: str | None  # one line, for stderr and the error column
    latency_ms: float


def options_key(options: dict[str, Any]) -> str:
    """The options as canonical JSON: equal options give equal text."""
    return json.dumps(options, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def jsonl_record(outcome: Outcome) -> str:
    """The image, ClassificationResult.to_dict() (it reads back typed with from_dict), the
    options and the latency; a failure has `error` instead of predictions."""
    record: dict[str, Any] = {"image": outcome.source}
    if outcome.result is not None:
        record.update(outcome.result.to_dict())
    else:
        record.update({"provider": outcome.provider, "model": outcome.model})
        record["error"] = outcome.error
    record["options"] = outcome.options
    record["latency_ms"] = round(outcome.latency_ms, 1)
    return json.dumps(record, ensure_ascii=False) + "\n"


def csv_line(fields: tuple[object, ...] | list[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue()


def csv_records(outcome: Outcome) -> str:
    """One row per label (rank 1 first); a failure, or an answer with no label, is one
    row with empty rank, label and score."""
    model = outcome.result.model if outcome.result is not None else outcome.model
    common = (outcome.source, outcome.provider, model or "")
    tail = (round(outcome.latency_ms, 1), outcome.error or "", options_key(outcome.options))
    predictions = outcome.result.predictions if outcome.result is not None else []
    if not predictions:
        return csv_line([*common, "", "", "", *tail])
    return "".join(
        csv_line([*common, rank, p.label.replace("\n", " "), f"{p.score:.6g}", *tail])
        for rank, p in enumerate(predictions, start=1)
    )


def render(outcome: Outcome, output_format: Format) -> str:
    return jsonl_record(outcome) if output_format == "jsonl" else csv_records(outcome)
