from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import translation

from cms.demo import demo_seed


class Command(BaseCommand):
    help = "Build the demo site in Russian (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        # The demo's own bookings and enrolments would e-mail made-up addresses: keep those messages in memory.
        with translation.override("ru"), override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            result = demo_seed()
            self.stdout.write(self.style.SUCCESS(f"Демо-данные готовы (изменено записей: {result.changed})."))
            self.stdout.write("Входы для демонстрации (e-mail / пароль / роль):")
            for email, password, role in result.logins:
                self.stdout.write(f"  {email:32}  {password}  {role}")
