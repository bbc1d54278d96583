"""The weekly digest to each library head (Celery beat, Monday 09:00 Kemerovo time): their staff's courses overdue
and due within 60 days, the internship overdue and due within 60 days, and the internship requests that wait for
the head. An empty digest is not sent. One digest per head and week, however often (or by how many workers at
once) it is run: the key is the head and the week's Monday (courses/staff_notifications.py sends it).

It lives in `courses`, the lowest layer that sees both courses and internships. What higher layers know (documents
about to expire, from `certificates`) joins as a section through `digest_section_register`, without this module
importing them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from lms.accounts.models import NotificationPreference, User
from lms.accounts.roles import ROLE_GROUP_NAMES, Role
from lms.internships import compliance
from lms.internships.models import Booking
from lms.libraries.selectors import library_subtree_ids

from .models import Enrolment
from .staff_notifications import staff_notice_send

DUE_WITHIN_DAYS = 60


@dataclass
class DigestSection:
    """A section a higher layer adds (e.g. certificates expiring): a title already in Russian and its lines."""

    title: str
    lines: list[str]


# (head, staff ids, today) -> a section or None. Training about to expire (recertification) registers here.
_SECTIONS: list[Callable[[User, list[int], datetime.date], DigestSection | None]] = []


def digest_section_register(build: Callable[[User, list[int], datetime.date], DigestSection | None]) -> None:
    if build not in _SECTIONS:
        _SECTIONS.append(build)


@dataclass
class Digest:
    head: User
    today: datetime.date
    overdue_courses: list[Enrolment] = field(default_factory=list)
    due_courses: list[Enrolment] = field(default_factory=list)
    overdue_internships: list[compliance.PersonStatus] = field(default_factory=list)
    due_internships: list[compliance.PersonStatus] = field(default_factory=list)
    awaiting_head: list[Booking] = field(default_factory=list)
    sections: list[DigestSection] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.overdue_courses or self.due_courses or self.overdue_internships or self.due_internships
                    or self.awaiting_head or any(section.lines for section in self.sections))


def digest_week(today: datetime.date | None = None) -> datetime.date:
    """The Monday of the week (the digest's key)."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


def library_heads() -> QuerySet[User]:
    return User.objects.filter(is_active=True, library__isnull=False,
                               groups__name=ROLE_GROUP_NAMES[Role.LIBRARY_HEAD]).distinct().order_by("pk")


def head_staff_ids(head: User) -> list[int]:
    """The active people of the head's library and its branches, the head excepted."""
    if not head.library_id:
        return []
    return list(User.objects.filter(is_active=True, library_id__in=library_subtree_ids(head.library))
                .exclude(pk=head.pk).values_list("pk", flat=True))


def head_digest(*, head: User, today: datetime.date | None = None) -> Digest:
    """What the head should know this week about their own staff (and only them)."""
    today = today or timezone.localdate()
    result = Digest(head=head, today=today)
    staff = head_staff_ids(head)
    if not staff:
        return result
    horizon = today + datetime.timedelta(days=DUE_WITHIN_DAYS)
    active = (Enrolment.objects.filter(user_id__in=staff, status=Enrolment.Status.ACTIVE, due_date__isnull=False,
                                       due_date__lte=horizon)
              .select_related("user", "course").order_by("due_date", "user__last_name", "pk"))
    for enrolment in active:
        (result.overdue_courses if enrolment.due_date < today else result.due_courses).append(enrolment)
    staff_set = set(staff)
    for person in compliance.compliance_picture(viewer=head, today=today).people:
        if person.user.pk not in staff_set or person.status in (compliance.DONE, compliance.EXPIRING):
            continue
        if person.status == compliance.OVERDUE:
            result.overdue_internships.append(person)
        elif person.due <= horizon:
            result.due_internships.append(person)
    result.overdue_internships.sort(key=lambda person: person.due)
    result.due_internships.sort(key=lambda person: person.due)
    result.awaiting_head = list(Booking.objects.filter(user_id__in=staff, status=Booking.Status.HEAD_REVIEW)
                                .select_related("user", "session__topic").order_by("session__start_date", "pk"))
    for build in _SECTIONS:
        section = build(head, staff, today)
        if section is not None:
            result.sections.append(section)
    return result


def head_digest_send(*, head_id: int, week: datetime.date | None = None,
                     today: datetime.date | None = None) -> bool:
    """Send the head's digest of `week` (its Monday) once; nothing when it is empty or switched off."""
    today = today or timezone.localdate()
    week = week or digest_week(today)
    head = library_heads().select_related("library").filter(pk=head_id).first()
    if head is None:
        return False
    digest = head_digest(head=head, today=today)
    if digest.is_empty:
        return False
    context = {"digest": digest, "library": head.library, "week": week,
               "requests_url": settings.SITE_URL + "/internships/staff/",
               "staff_url": settings.SITE_URL + reverse("staff_list")}
    return staff_notice_send(recipient=head, kind=NotificationPreference.Kind.WEEKLY_DIGEST,
                             key=f"digest:{head.pk}:{week.isoformat()}", template="head_digest", context=context)
