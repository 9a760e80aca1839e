from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-studio-2026"


class Command(BaseCommand):
    help = "Create the demo user (demo / demo-studio-2026) if it does not exist; its password is left alone otherwise."

    def handle(self, *args, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=DEMO_USERNAME, defaults={"email": "demo@example.com"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = True
            user.is_superuser = True
            user.save()
            self.stdout.write(self.style.SUCCESS(f"Created demo user '{DEMO_USERNAME}' (password '{DEMO_PASSWORD}')"))
        else:
            self.stdout.write(f"Demo user '{DEMO_USERNAME}' exists")
