"""Catalog loaders, registered by the app that owns the data (assets, rmf, csf).

workbench knows nothing of the apps: each app registers its loader in AppConfig.ready(), and
`catalogs_load` runs them in `order` inside one transaction.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class CatalogFileError(Exception):
    """A reference file is missing, unreadable or not what the loader expects."""

    def __init__(self, file_name: str, problem: str):
        self.file_name = file_name
        self.problem = problem
        super().__init__(f"{file_name}: {problem}")


def read_json(path: Path, file_name: str) -> Any:
    """Parse a reference file, or raise CatalogFileError naming it."""
    try:
        with path.open("rb") as handle:
            return json.load(handle)
    except OSError as exc:
        raise CatalogFileError(file_name, f"cannot be read ({exc.strerror or exc})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogFileError(file_name, f"is not valid JSON ({exc})") from exc


@dataclass
class LoadedRelease:
    """What one loader reports for one file it loaded."""

    version: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CatalogLoader:
    name: str
    order: int
    file_keys: tuple[str, ...]
    # Receives {manifest key: verified path}; returns {manifest key: LoadedRelease}.
    load: Callable[[Mapping[str, Path]], dict[str, LoadedRelease]]


_LOADERS: dict[str, CatalogLoader] = {}


def register_loader(loader: CatalogLoader) -> None:
    _LOADERS[loader.name] = loader


def registered_loaders() -> list[CatalogLoader]:
    return sorted(_LOADERS.values(), key=lambda loader: loader.order)
