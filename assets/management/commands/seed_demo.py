from django.core.management.base import BaseCommand

from assets.demo import seed_organizations_and_people


class Command(BaseCommand):
    help = "Create (or complete) the fictional demo city with users for every role."

    def handle(self, *args, **options):
        users = seed_organizations_and_people()
        self.stdout.write(self.style.SUCCESS("Demo city ready. Sign in with:"))
        width = max(len(user.username) for user in users)
        for user in users:
            self.stdout.write(
                f"  {user.username:<{width}}  {user.password:<20} {user.role.label} "
                f"in {user.organization}"
            )
