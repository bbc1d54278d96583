from django.db import transaction

from .directory import LIBRARIES, MUNICIPALITIES
from .models import Library, Municipality


@transaction.atomic
def library_directory_seed() -> int:
    """Create or update the region's directory from `directory.py`. Idempotent; returns how many rows changed."""
    changed = 0
    municipalities = {}
    for name, kind in MUNICIPALITIES:
        municipality, created = Municipality.objects.get_or_create(name=name, defaults={"kind": kind})
        changed += created
        municipalities[name] = municipality
    for code, name, short_name, municipality, kind, evbk, parent_code in LIBRARIES:
        values = {
            "name": name,
            "short_name": short_name,
            "municipality": municipalities[municipality],
            "kind": kind,
            "evbk_participant": evbk,
            "parent": Library.objects.get(code=parent_code) if parent_code else None,
        }
        library = Library.objects.filter(code=code).first()
        if library is None:
            Library.objects.create(code=code, **values)
            changed += 1
        elif any(getattr(library, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(library, field, value)
            library.save()
            changed += 1
    return changed
