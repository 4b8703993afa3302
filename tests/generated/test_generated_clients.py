"""The generated packages, one per manifest provider: importable, typed, complete, with
readable names."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from tools import effective as eff
from tools.generate import ENDPOINT_FUNCTIONS, endpoints
from tools.main_job import verify_imports
from tools.manifest import GENERATED, select

PROVIDERS = select()


def test_generated_holds_exactly_the_manifest_packages() -> None:
    """One package per provider, named after its key; nothing left of a removed one."""
    assert all(p.package == f"{p.key}_client" for p in PROVIDERS), PROVIDERS
    found = {d.name for d in GENERATED.iterdir() if d.is_dir() and d.name != "__pycache__"}
    assert found == {p.package for p in PROVIDERS}


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.key)
def test_package_is_typed_and_exports_clients(provider: object) -> None:
    from tools.manifest import Provider

    assert isinstance(provider, Provider)
    package = importlib.import_module(provider.package)
    assert Path(package.__file__ or "").parent.joinpath("py.typed").is_file()
    assert inspect.isclass(package.Client)
    assert inspect.isclass(package.AuthenticatedClient)


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.key)
def test_every_operation_of_the_effective_spec_has_its_functions(provider: object) -> None:
    from tools.manifest import Provider

    assert isinstance(provider, Provider)
    effective = eff.build(provider)
    have = {(e.method, e.url): e for e in endpoints(provider.package_dir)}
    assert len(have) == len(effective.operations())
    for method, path, _operation in effective.operations():
        key = (method, re.sub(r"\{[^}]*\}", "{}", path))
        assert key in have, f"{method} {path} missing from {provider.package}"
        dotted = have[key].module.removesuffix(".py").replace("/", ".")
        module = importlib.import_module(f"{provider.package}.{dotted}")
        for name in ENDPOINT_FUNCTIONS:
            assert callable(getattr(module, name)), f"{dotted}.{name}"
        assert inspect.iscoroutinefunction(module.asyncio_detailed)


def test_verify_imports_counts_operations() -> None:
    rows = {key: count for key, _package, count in verify_imports()}
    # One per operation of the effective spec (IMG Processing: classify, plus the upload
    # its overlay adds).
    assert rows == {p.key: len(list(eff.build(p).operations())) for p in PROVIDERS}
    assert rows["img_processing"] == 2


def test_no_generated_class_is_collectable_by_pytest() -> None:
    for provider in PROVIDERS:
        for path in provider.package_dir.rglob("*.py"):
            assert not re.search(r"^class Test", path.read_text(), re.M), path


def test_readable_names_from_the_overlays() -> None:
    from cloudflare_client.models import FailureResult  # noqa: F401
    from edge_impulse_client.models import (
        ClassificationScores,
        ClassifyImageResponse,
        FreeformResult,
        OutputTensor,
        TensorDataType,
    )
    from img_processing_client.models import Image, NotFoundError, SecondaryLabel

    assert TensorDataType("float32").value == "float32"
    tensor = OutputTensor.from_dict({"shape": [1, 3], "dataType": "float32", "data": [0.1]})
    assert tensor.data_type is TensorDataType.FLOAT32
    body = {"success": True, "result": {"cat": 0.9}, "freeformResult": {"outputTensors": []}}
    parsed = ClassifyImageResponse.from_dict(body)
    assert isinstance(parsed.result, ClassificationScores)
    assert parsed.result["cat"] == 0.9
    assert isinstance(parsed.freeform_result, FreeformResult)
    for cls in (Image, NotFoundError, SecondaryLabel):
        assert inspect.isclass(cls)


def test_required_multi_media_type_body_is_required() -> None:
    """The generator template patch (tools/templates.py): a required body with two media
    types is a required argument, not `| Unset = UNSET`, and the module imports."""
    from cloudflare_client.api.workers_ai_image_classification import classify_image

    body = inspect.signature(classify_image.sync_detailed).parameters["body"]
    assert body.default is inspect.Parameter.empty
    assert "Unset" not in str(body.annotation)
