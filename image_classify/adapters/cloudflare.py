"""Cloudflare Workers AI, @cf/microsoft/resnet-50 (the only model). The account id comes
from account_id=... or CLOUDFLARE_ACCOUNT_ID. Raw bytes in; the v4 envelope's `result`
is a list of {label, score}."""

from __future__ import annotations

import os
from typing import Any, TypeAlias

from cloudflare_client.api.workers_ai_image_classification import classify_image
from cloudflare_client.models import ResNet50RunResponse
from cloudflare_client.types import File

from image_classify._images import ImageInput
from image_classify._providers import provider_info
from image_classify._results import Prediction
from image_classify.adapters.base import Call, Plan, file_of, need_bytes
from image_classify.errors import MissingCredentialsError, OptionError

DEFAULT_MODEL = "@cf/microsoft/resnet-50"
OPTIONS = frozenset({"account_id"})
# The provider's typed answer, as ClassificationResult.raw holds it.
Raw: TypeAlias = ResNet50RunResponse


def account_id(options: dict[str, Any]) -> str:
    """The account id: the `account_id` option, else the first set variable of the
    manifest's `extra_env`; MissingCredentialsError when there is none."""
    if options.get("account_id"):
        return str(options["account_id"])
    names = provider_info("cloudflare").auth.extra_env
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    raise MissingCredentialsError(
        f"cloudflare needs an account id: pass account_id=... or set {' or '.join(names)}."
    )


def plan(image: ImageInput, model: str | None, options: dict[str, Any]) -> Plan:
    """One call: the image's bytes to the account's ResNet-50; returns the typed Raw."""
    need_bytes(image, "cloudflare")
    if model not in (None, DEFAULT_MODEL):
        raise OptionError(f"cloudflare serves {DEFAULT_MODEL} only, got model={model!r}.")
    raw = yield Call(
        classify_image, {"account_id": account_id(options), "body": file_of(File, image)}
    )
    return raw


def predictions(raw: Raw) -> list[Prediction]:
    """The envelope's `result` items as Predictions."""
    return [Prediction(item.label, float(item.score)) for item in raw.result]
