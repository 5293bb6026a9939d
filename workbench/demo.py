"""Demo seeders of later apps, found by `manage.py seed_demo` without importing those apps.

The demo starts in assets (organizations, people, inventory); apps built on it (rmf, then csf)
register what they add to the demo from their AppConfig.ready(), so that dependencies keep
pointing one way: assets <- rmf <- csf. A seeder takes no arguments, must be idempotent, and
returns one line for the command to print (or "").
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSeeder:
    name: str
    order: int  # lower runs first: rmf before csf
    seed: Callable[[], str]


_SEEDERS: dict[str, DemoSeeder] = {}


def register_demo_seeder(name: str, order: int, fn: Callable[[], str]) -> None:
    """Register (or replace, when ready() runs again) the demo seeder called `name`."""
    _SEEDERS[name] = DemoSeeder(name=name, order=order, seed=fn)


def demo_seeders() -> list[DemoSeeder]:
    return sorted(_SEEDERS.values(), key=lambda seeder: (seeder.order, seeder.name))
