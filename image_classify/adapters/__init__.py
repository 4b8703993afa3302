"""One small module per provider: how an image becomes calls of its generated client, and
how the typed answer becomes predictions. The module is named after the manifest key."""

from __future__ import annotations

import importlib
from types import ModuleType

from image_classify._providers import provider_info


def adapter_for(provider: str) -> ModuleType:
    """The adapter module of `provider`; UnknownProviderError for a name the manifest
    does not have."""
    provider_info(provider)  # an unknown name is an UnknownProviderError, listing choices
    return importlib.import_module(f"image_classify.adapters.{provider}")
