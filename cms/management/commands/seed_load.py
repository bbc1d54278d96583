from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import translation

from cms.load_data import SIZES, LoadDataExists, load_seed


class Command(BaseCommand):
    help = ("Build a large realistic dataset for load tests through bulk inserts (S, M or L: L is 5,000 staff, "
            "100 courses, 50,000 enrolments). Refuses when the dataset is there already.")

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="S")
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the random choices (same seed, same data).")

    def handle(self, *args, size: str, seed: int, **options):
        with translation.override("ru"), override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self.stdout.write(f"Нагрузочные данные, размер {size}:")
            try:
                result = load_seed(SIZES[size], seed=seed, log=self.stdout.write)
            except LoadDataExists as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Готово за {result.timings[-1][1]:.1f} с: " + ", ".join(f"{k} {v}" for k, v in result.counts.items())))
        self.stdout.write(f"Каталог: {result.programme_url}")
        self.stdout.write(f"Вход администратора: {result.admin_email} / {result.password}")
        self.stdout.write(f"Вход слушателя: {result.learner_email} / {result.password}")
