"""The libraries (the directory and village branches) and the staff: the administrator, the trainer, the learners."""

from __future__ import annotations

import datetime
import random

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from lms.accounts.models import User
from lms.accounts.roles import Role, role_group
from lms.accounts.services import role_assign
from lms.libraries.models import Library
from lms.libraries.services import library_directory_seed

from .sizes import LOAD_DOMAIN, LOAD_PASSWORD, LoadSize
from .words import POSITIONS, person_name
from .writing import bulk


def libraries_write(size: LoadSize, rng: random.Random) -> list[Library]:
    library_directory_seed()
    existing = list(Library.objects.select_related("municipality").order_by("pk"))
    systems = [lib for lib in existing if lib.kind in (Library.Kind.SYSTEM, Library.Kind.DISTRICT)] or existing
    villages = ["Берёзовка", "Сосновка", "Заречное", "Листвянка", "Михайловка", "Подгорное", "Ключи",
                "Озёрное", "Калиновка", "Каменка", "Красная Горка", "Малиновка"]
    new = []
    for number in range(max(0, size.libraries - len(existing))):
        system = systems[number % len(systems)]
        village = f"{villages[number % len(villages)]}-{number // len(villages) + 1}"
        new.append(Library(
            code=f"load-branch-{number + 1:04d}", name=f"Библиотека-филиал № {number + 1} ({village}), {system.name}",
            short_name=f"Филиал № {number + 1}, {system.short_name}", municipality_id=system.municipality_id,
            kind=Library.Kind.BRANCH, parent=system, address=f"с. {village}, ул. Центральная, {rng.randint(1, 60)}",
        ))
    bulk(Library, new)
    return list(Library.objects.select_related("municipality", "parent").order_by("pk"))


def _user(email: str, names: tuple[str, str, str], library: Library, position: str, password_hash: str,
          joined: datetime.datetime, *, is_staff: bool = False) -> User:
    last, first, patronymic = names
    return User(email=email, last_name=last, first_name=first, patronymic=patronymic, library=library,
                position=position, password=password_hash, is_staff=is_staff, date_joined=joined,
                personal_data_consent_at=joined, personal_data_consent_version="2026-11")


def people_write(size: LoadSize, libraries: list[Library], rng: random.Random, now) -> tuple[User, User, list[User]]:
    password_hash = make_password(LOAD_PASSWORD)  # hashed once: every load account shares it
    onb = next((lib for lib in libraries if lib.code == "onb"), libraries[0])
    admin = _user(f"admin@{LOAD_DOMAIN}", ("Борисова", "Анна", "Сергеевна"), onb,
                  "заведующая научно-методическим отделом", password_hash, now - datetime.timedelta(days=900),
                  is_staff=True)
    trainer = _user(f"trainer@{LOAD_DOMAIN}", ("Григорьев", "Павел", "Андреевич"), onb, "методист", password_hash,
                    now - datetime.timedelta(days=900), is_staff=True)
    # Staff of the Э(В)БК participants are weighted up, so that the internship compliance has many people.
    weights = [3 if (lib.evbk_participant or (lib.parent and lib.parent.evbk_participant)) else 1
               for lib in libraries]
    staff = []
    for number in range(size.staff):
        email = f"learner@{LOAD_DOMAIN}" if number == 0 else f"staff{number:05d}@{LOAD_DOMAIN}"
        library = rng.choices(libraries, weights)[0]
        joined = now - datetime.timedelta(days=rng.randint(20, 1100), minutes=rng.randint(0, 1440))
        staff.append(_user(email, person_name(rng), library, rng.choice(POSITIONS), password_hash, joined))
    bulk(User, [admin, trainer])
    staff = bulk(User, staff)
    admin, trainer = User.objects.get(email=admin.email), User.objects.get(email=trainer.email)
    if not staff[0].pk:  # a database that does not return ids from bulk inserts
        staff = list(User.objects.filter(email__endswith="@" + LOAD_DOMAIN).exclude(
            pk__in=[admin.pk, trainer.pk]).order_by("pk"))
    role_assign(user=admin, role=Role.ADMINISTRATOR)
    learners_group = role_group(Role.LEARNER)
    through = User.groups.through
    bulk(through, [through(user_id=user.pk, group_id=learners_group.pk) for user in staff])
    bulk(EmailAddress, [EmailAddress(user_id=user.pk, email=user.email, verified=True, primary=True)
                        for user in [admin, trainer, *staff]])
    return admin, trainer, staff
