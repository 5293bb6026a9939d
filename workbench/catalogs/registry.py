"""Catalog loaders, registered by the app that owns the data (assets, rmf, csf).

workbench knows nothing of the apps: each app registers its loader in AppConfig.ready(), and
`catalogs_load` runs them in `order` inside one transaction.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


class CatalogFileError(Exception):
    """A reference file is missing, unreadable or not what the loader expects."""

    def __init__(self, file_name: str, problem: str):
        self.file_name = file_name
        self.problem = problem
        super().__init__(f"{file_name}: {problem}")


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
