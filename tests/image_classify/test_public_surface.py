"""The public surface is image_classify/__init__.py (and image_classify.errors): every
implementation module is private, so no module name shadows a public function."""

from __future__ import annotations

import importlib.util
import inspect
import pkgutil

import image_classify
from image_classify import errors

# image_classify.testing: the pytest plugin and the fake, for users' own test suites.
PUBLIC_MODULES = {"errors", "adapters", "testing"}


def test_every_exported_name_exists_and_no_module_shadows_it() -> None:
    for name in image_classify.__all__:
        assert hasattr(image_classify, name), name
        assert importlib.util.find_spec(f"image_classify.{name}") is None, (
            f"image_classify.{name} is a module and an exported name at once"
        )


def test_implementation_modules_are_private() -> None:
    modules = {m.name for m in pkgutil.iter_modules(image_classify.__path__)}
    public = {name for name in modules if not name.startswith("_")}
    assert public == PUBLIC_MODULES


def test_errors_module_exports_every_error_the_api_raises() -> None:
    raised = {
        obj
        for obj in vars(image_classify).values()
        if inspect.isclass(obj) and issubclass(obj, Exception)
    }
    exported = {getattr(errors, name) for name in errors.__all__ if name[0].isupper()}
    assert raised <= exported
    assert {errors.OptionError, errors.ImageError, errors.UnknownProviderError} <= exported
    for cls in exported:
        # The one warning (validate="warn") is a UserWarning: a filter, not an except, catches it.
        if issubclass(cls, Warning):
            assert cls is errors.SpecDeviationWarning and issubclass(cls, UserWarning)
            continue
        assert issubclass(cls, errors.ImageClassifyError)


def test_the_version_is_the_distributions() -> None:
    from importlib.metadata import version

    assert image_classify.__version__ == version("image-classify-sdk")
