import time

from django.core.management.base import BaseCommand

from assets.demo import seed_organizations_and_people
from assets.demo_inventory import seed_inventory
from workbench.demo import demo_seeders


class Command(BaseCommand):
    help = (
        "Create (or complete) the fictional demo city with users for every role, the "
        "inventory of its systems, and what later apps add to it (their RMF cycles, ...)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        users = seed_organizations_and_people()
        inventory = seed_inventory()
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Inventory: {inventory.systems} systems, {inventory.components} components, "
            f"{inventory.interconnections} interconnections, "
            f"{inventory.information_types} information types, {inventory.vendors} vendors "
            + (
                f"(created now: {inventory.created_systems} systems, "
                f"{inventory.created_components} components, "
                f"{inventory.created_interconnections} interconnections, "
                f"{inventory.created_information_types} information types)"
                if inventory.created_anything
                else "(nothing new to create)"
            )
            + f" in {elapsed:.1f}s."
        )
        if inventory.missing_information_types:
            self.stdout.write(
                self.style.WARNING(
                    "SP 800-60 information types not found, skipped: "
                    f"{', '.join(inventory.missing_information_types)}. Run "
                    "`manage.py load_catalogs` first, then seed_demo again."
                )
            )
        # Apps built on the inventory (rmf, csf) add their part through workbench.demo.
        for seeder in demo_seeders():
            started = time.monotonic()
            line = seeder.seed()
            if line:
                self.stdout.write(f"{line} ({time.monotonic() - started:.1f}s)")
        self.stdout.write(self.style.SUCCESS("Demo city ready. Sign in with:"))
        width = max(len(user.username) for user in users)
        for user in users:
            where = f"in {user.organization}" if user.organization else f"of {user.scope}"
            self.stdout.write(
                f"  {user.username:<{width}}  {user.password:<24} {user.role.label} {where}"
            )
