"""image_classify/_typed.py and _typed_classifiers.py: the per-provider overloads are
pipeline output, rendered from the manifest and the adapters, checked by `regen --check`
and rewritten by `regen`."""

from __future__ import annotations

import inspect

from image_classify import _classifier_base, _classify, _factory
from image_classify._providers import providers
from tests.project_copy import ProjectCopy
from tools import typed_surface

TYPED = "image_classify/_typed_classifiers.py"


def test_every_provider_has_its_overloads() -> None:
    source = "\n".join(typed_surface.render().values())
    for key, info in providers().items():
        assert f'provider: Literal["{key}"]' in source
        assert f"Classifier[_{key}.Raw]" in source
        assert f"AsyncClassifier[_{key}.Raw]" in source
        assert f"ClassificationResult[_{key}.Raw]" in source
        assert f"{info.package}.AuthenticatedClient" in source
    names = ", ".join(f'"{key}"' for key in providers())
    assert f"ProviderName = Literal[{names}]" in source


def test_overloads_carry_the_implementations_parameters() -> None:
    import image_classify._typed as typed
    import image_classify._typed_classifiers as typed_classifiers

    for implementation, public in (
        (_factory.client, typed.client),
        (_classify.classify, typed.classify),
        (_classify.aclassify, typed.aclassify),
    ):
        rendered = inspect.getsource(typed).count(f"def {public.__name__}(")
        assert rendered == len(providers()) + 2  # one per provider, one for str, the body
        for name in inspect.signature(implementation).parameters:
            assert f"{name}:" in inspect.getsource(typed)
    init = inspect.signature(_classifier_base._Base.__init__).parameters
    assert list(init)[:2] == ["self", "provider"]
    source = inspect.getsource(typed_classifiers)
    assert source.count("def __init__(") == 2 * (len(providers()) + 2)
    for name in list(init)[2:]:
        assert f"{name}:" in source


def test_check_finds_a_stale_typed_surface_and_regen_rewrites_it(
    project_copy: ProjectCopy,
) -> None:
    project_copy.edit(TYPED, lambda text: text.replace('"huggingface", ', "", 1))
    check = project_copy.tools("regen", "--check")
    assert check.returncode == 1
    assert f"{TYPED}: differs" in check.stdout
    assert "_typed_classifiers.py" in check.stderr and "Traceback" not in check.output
    write = project_copy.tools("regen")
    assert write.returncode == 0, write.output
    assert f"{TYPED}: generated" in write.stdout
    again = project_copy.tools("regen", "--check")
    assert again.returncode == 0, again.output
