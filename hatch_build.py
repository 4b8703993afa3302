"""The wheel's generated packages, read from the manifest (image_classify/providers.toml).

Each provider's `package` is generated into generated/<package> and installs as a
top-level package. Listing them in pyproject.toml would be a second list of providers;
this hook reads the one list there is. It runs in the build environment, so it reads the
TOML itself (no project import) and fails the build, naming the package, when a
manifest package was never generated.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MANIFEST = "image_classify/providers.toml"
GENERATED = "generated"


def generated_packages(root: Path) -> list[str]:
    """The `package` of each provider in the manifest, in manifest order."""
    with (root / MANIFEST).open("rb") as file:
        providers: dict[str, Any] = tomllib.load(file).get("providers", {})
    return [str(table["package"]) for table in providers.values()]


class GeneratedPackagesHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "generated-packages"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return  # dev-mode-dirs puts generated/ itself on the path
        root = Path(self.root)
        for package in generated_packages(root):
            source = root / GENERATED / package
            if not (source / "__init__.py").is_file():
                raise FileNotFoundError(
                    f"{MANIFEST} names the package {package!r}, but {GENERATED}/{package} "
                    "was never generated. Run `python -m tools regen`."
                )
            build_data["force_include"][str(source)] = package
