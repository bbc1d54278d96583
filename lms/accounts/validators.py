import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Letters of any script, joined by one space, hyphen, apostrophe or dot: «Анна-Мария», «О’Коннор», «Д. Артаньян».
_NAME_RE = re.compile(r"^[^\W\d_]+(?:(?:[ \-'’.]|\. )[^\W\d_]+)*\.?$")


def normalize_name(value: str) -> str:
    """Fold runs of white space and trim; keep the person's own capitalisation."""
    return " ".join((value or "").split())


def validate_person_name(value: str) -> None:
    if len(value) > 150:
        raise ValidationError(_("The name is too long (at most 150 characters)."), code="too_long")
    if not _NAME_RE.match(value):
        raise ValidationError(
            _("Use letters only, with a hyphen, apostrophe or space between parts of the name."), code="invalid"
        )
