from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """A city (городской округ) or a district (муниципальный район / округ) of the region."""

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Library(models.Model):
    """An organisation of the directory: a library system, a library or a branch of a system."""

    class Kind(models.TextChoices):
        SYSTEM = "system", _("Central library system")
        DISTRICT = "district", _("District library")
        CHILDREN = "children", _("Children's and youth library")
        REGIONAL = "regional", _("Regional library")
        BRANCH = "branch", _("Branch library")

    code = models.SlugField(_("code"), max_length=64, unique=True, help_text=_("Short stable identifier."))
    name = models.CharField(_("full name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=150, unique=True)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="libraries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent system"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
    )
    evbk_participant = models.BooleanField(
        _("participant of the Electronic (Virtual) Library of Kuzbass"),
        default=False,
        help_text=_("Staff of participants must do the internship at the regional library."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("library")
        verbose_name_plural = _("libraries")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="library_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name
