import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.libraries.models import Library

from .validators import validate_person_name


def normalize_email(email: str) -> str:
    """One spelling per address: trimmed and lower-cased, so uniqueness does not depend on case."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalize_email(email), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email=normalize_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person of the platform; logs in by e-mail. Full name in three parts, as Russian documents need it."""

    email = models.EmailField(_("e-mail"), unique=True)
    last_name = models.CharField(_("surname"), max_length=150, blank=True, validators=[validate_person_name])
    first_name = models.CharField(_("first name"), max_length=150, blank=True, validators=[validate_person_name])
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True, validators=[validate_person_name])
    position = models.CharField(_("position"), max_length=200, blank=True)
    library = models.ForeignKey(
        Library, verbose_name=_("library"), on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    personal_data_consent_at = models.DateTimeField(_("consent to personal data processing given"), null=True,
                                                    blank=True)
    personal_data_consent_version = models.CharField(_("consent text version"), max_length=32, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["last_name", "first_name", "patronymic"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]
        permissions = [
            ("invite_staff", _("Can invite staff and import staff lists")),
            ("view_library_staff", _("Can see the staff of own library")),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    @property
    def short_name(self) -> str:
        """«Иванова М. П.»"""
        initials = " ".join(f"{part[0]}." for part in (self.first_name, self.patronymic) if part)
        return f"{self.last_name} {initials}".strip() or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.short_name


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation e-mail with a one-time link to set a password. Only the token's hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at is not None and self.expires_at > timezone.now()


class StaffImport(models.Model):
    """An uploaded staff list waiting for confirmation: the parsed rows and their problems, and the plan of what it
    would change (lms.accounts.staff_sync: creations, updates old → new, deactivations, people skipped and why).
    Nothing is written before confirmation."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        DONE = "done", _("Imported")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    rows = models.JSONField(default=list)
    deactivate_missing = models.BooleanField(
        _("deactivate people of the listed libraries who are missing from the list"), default=False)
    plan = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREVIEW)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    deactivated_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")

    @property
    def problem_count(self) -> int:
        return sum(1 for row in self.rows if row.get("problems"))

    @property
    def has_changes(self) -> bool:
        return any(self.plan.get(key) for key in ("creations", "updates", "deactivations"))

    @property
    def can_confirm(self) -> bool:
        return (self.status == self.Status.PREVIEW and bool(self.rows) and self.problem_count == 0
                and self.has_changes)


class NotificationPreference(models.Model):
    """Which e-mails that call a person to act they want. No row means every kind is on; a kind switched off is
    neither sent nor recorded as sent, so switching it on again brings the notices that come after."""

    class Kind(models.TextChoices):
        COURSE_REQUESTS = "course_requests", _("Requests to enrol in my courses waiting for a decision")
        BOOKING_REQUESTS = "booking_requests", _("Internship requests waiting for my decision")
        ESSAYS_TO_GRADE = "essays_to_grade", _("Essays waiting for grading in my courses")
        WEEKLY_DIGEST = "weekly_digest", _("Weekly summary of my library's staff (on Mondays)")
        EXPIRING = "expiring", _("Reminders that my training is about to expire (60, 30 and 7 days before)")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_preference")
    course_requests = models.BooleanField(Kind.COURSE_REQUESTS.label, default=True)
    booking_requests = models.BooleanField(Kind.BOOKING_REQUESTS.label, default=True)
    essays_to_grade = models.BooleanField(Kind.ESSAYS_TO_GRADE.label, default=True)
    weekly_digest = models.BooleanField(Kind.WEEKLY_DIGEST.label, default=True)
    expiring = models.BooleanField(Kind.EXPIRING.label, default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)
