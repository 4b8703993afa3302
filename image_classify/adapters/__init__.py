"""One small module per provider: how an image becomes calls of its generated client, and
how the typed answer becomes predictions. The module is named after the manifest key; its
shape is `image_classify.adapters.protocol.Adapter`."""

from __future__ import annotations

import importlib
from types import ModuleType

from image_classify._providers import provider_info
from image_classify.errors import ImageClassifyError


class MissingAdapterError(ImageClassifyError, LookupError):
    """A manifest entry without its adapter module: says which file to write."""

    def __init__(self, provider: str) -> None:
        self.provider: str = provider
        super().__init__(missing_adapter_message(provider))


def adapter_path(provider: str) -> str:
    """The adapter's file, as the project writes paths (relative to its root)."""
    return f"image_classify/adapters/{provider}.py"


def missing_adapter_message(provider: str) -> str:
    """One sentence shared by the runtime and the pipeline (tools/regen.py)."""
    return (
        f"no adapter for provider {provider!r}: write {adapter_path(provider)} "
        "(see README 'How to add a provider')"
    )


def adapter_for(provider: str) -> ModuleType:
    """The adapter module of `provider`; UnknownProviderError for a name the manifest
    does not have, MissingAdapterError for one whose module does not exist."""
    provider_info(provider)  # an unknown name is an UnknownProviderError, listing choices
    name = f"{__name__}.{provider}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:  # the adapter exists; something it imports does not
            raise
        raise MissingAdapterError(provider) from None
