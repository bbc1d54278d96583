"""Reads for the internship pages: each returns what a page needs in a fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from lms.accounts.selectors import staff_visible_to

from .models import Booking, CalendarFeed, Interest, Session, Topic

SEAT_HOLDING = Q(bookings__status__in=Booking.SEAT_HOLDING)


def sessions_with_seats(queryset: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions annotated with `seats_taken`, `seats_free` and `queue_length`."""
    return queryset.annotate(
        seats_taken=Count("bookings", filter=SEAT_HOLDING & Q(bookings__over_capacity=False), distinct=True),
        queue_length=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED), distinct=True),
    ).annotate(seats_free=Greatest(F("capacity") - F("seats_taken"), 0))


def upcoming_sessions() -> QuerySet[Session]:
    return sessions_with_seats(
        Session.objects.filter(end_date__gte=timezone.localdate())
        .exclude(status__in=(Session.Status.CANCELLED, Session.Status.HELD)).select_related("topic")
    ).order_by("start_date", "pk")


def open_sessions() -> QuerySet[Session]:
    return (Session.objects.filter(status=Session.Status.OPEN, end_date__gte=timezone.localdate())
            .select_related("topic").order_by("start_date", "pk"))


def topics_with_upcoming_sessions() -> list[Topic]:
    """Active topics, each with `upcoming` (its coming sessions, with seat counts) and its plan: three queries."""
    return list(Topic.objects.filter(is_active=True).prefetch_related(
        Prefetch("sessions", queryset=upcoming_sessions(), to_attr="upcoming"), "plan_days",
    ).order_by("title"))


def upcoming_catalogue(today: datetime.date) -> list[tuple[Topic, list[Session]]]:
    """Active topics by title, each with its coming sessions (no seat counts, no one's bookings): what the list of
    internships shows the same to everyone. Two queries; kept in the content cache by the page."""
    topics = list(Topic.objects.filter(is_active=True).only("title", "description", "academic_hours", "host_department")
                  .order_by("title"))
    sessions: dict[int, list[Session]] = {topic.pk: [] for topic in topics}
    for session in (Session.objects.filter(topic_id__in=list(sessions), end_date__gte=today)
                    .exclude(status__in=(Session.Status.CANCELLED, Session.Status.HELD))
                    .only("topic_id", "start_date", "end_date", "capacity", "booking_deadline", "status")
                    .order_by("start_date", "pk")):
        sessions[session.topic_id].append(session)
    return [(topic, sessions[topic.pk]) for topic in topics]


def session_public_detail(pk: int) -> dict:
    """What the page of a session shows the same to everyone: the session with its topic, the names of its mentors
    (the session's, else the topic's), the quotas and the plan by days. Kept in the content cache by the page."""
    session = Session.objects.select_related("topic").defer("topic__min_attendance_percent").get(pk=pk)
    names = ("last_name", "first_name", "patronymic")
    mentors = list(session.mentors.only(*names)) or list(session.topic.mentors.only(*names))
    return {
        "session": session,
        "mentors": [m.full_name for m in mentors],
        "quotas": list(session.quotas.order_by("pk").values_list("municipality__name", "seats")),
        "days": list(session.topic.plan_days.values_list("title", "content")),
    }


def seats_and_mine(user, session_ids: list[int]) -> dict[int, tuple[int, int, str]]:
    """For each session that has bookings under way: seats taken, queue length and the status of `user`'s own
    active booking there ("" when none). One aggregate query, whatever the number of sessions."""
    if not session_ids:
        return {}
    mine = Q(user=user) if user.is_authenticated else Q(user=None)  # nobody's: the column is never empty
    rows = (Booking.objects.filter(session_id__in=session_ids, status__in=Booking.ACTIVE).order_by()
            .values("session_id").annotate(
                taken=Count("pk", filter=Q(status__in=Booking.SEAT_HOLDING, over_capacity=False)),
                queue=Count("pk", filter=Q(status=Booking.Status.WAITLISTED)),
                mine=Max("status", filter=mine))
            .values_list("session_id", "taken", "queue", "mine"))
    return {pk: (taken, queue, status or "") for pk, taken, queue, status in rows}


def session_detail(pk: int) -> Session:
    return (sessions_with_seats(Session.objects.select_related("topic"))
            .prefetch_related("topic__plan_days", "mentors", "topic__mentors", "quotas__municipality")
            .get(pk=pk))


def bookings_of(user) -> list[Booking]:
    """A person's bookings, newest session first, with the session, topic and attendance marks."""
    if not user.is_authenticated:
        return []
    return list(Booking.objects.filter(user=user).select_related("session__topic")
                .prefetch_related("attendance").order_by("-session__start_date", "-pk"))


def active_bookings_by_session(user, session_ids: list[int]) -> dict[int, Booking]:
    if not user.is_authenticated or not session_ids:
        return {}
    return {b.session_id: b for b in Booking.objects.filter(user=user, session_id__in=session_ids,
                                                            status__in=Booking.ACTIVE)}


def interest_topic_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Interest.objects.filter(user=user, booking__isnull=True).values_list("topic_id", flat=True))


def feed_bookings(token: str) -> list[Booking] | None:
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        return None
    since = timezone.localdate() - datetime.timedelta(days=365)
    return list(Booking.objects.filter(user=feed.user, session__end_date__gte=since).exclude(
        status=Booking.Status.WAITLISTED).select_related("session__topic", "user"))


def head_staff_bookings(head, staff_ids) -> QuerySet[Booking]:
    """Bookings of a head's staff that are under way (for «Заявки сотрудников»)."""
    return (Booking.objects.filter(user_id__in=staff_ids, status__in=Booking.ACTIVE)
            .select_related("user", "session__topic").order_by("session__start_date", "user__last_name"))


def dashboard_bookings(user) -> list[Booking]:
    """The bookings a learner's dashboard shows: those under way, soonest first."""
    return list(Booking.objects.filter(user=user, status__in=Booking.ACTIVE, session__end_date__gte=timezone.localdate())
                .select_related("session__topic").order_by("session__start_date"))


def mentored_by(user) -> Q:
    """Sessions a person mentors: named on the session, or on its topic when the session names nobody."""
    return Q(pk__in=Session.objects.filter(Q(mentors=user) | Q(mentors__isnull=True, topic__mentors=user))
             .values("pk"))


def sessions_mentored_by(user) -> QuerySet[Session]:
    ids = Session.objects.filter(mentored_by(user)).values("pk")
    return (sessions_with_seats(Session.objects.filter(pk__in=ids).select_related("topic"))
            .exclude(status=Session.Status.CANCELLED).order_by("-start_date"))


def nominable_staff(head, session: Session) -> QuerySet:
    """The staff a library head may nominate for the session: their own people (not themselves) without an active
    booking on its topic (booking_nominate refuses those: one active booking per topic)."""
    open_ = [status for status in Booking.ACTIVE if status != Booking.Status.COMPLETED]
    booked = Booking.objects.filter(user=OuterRef("pk"), topic=session.topic_id, status__in=open_)
    # A completed internship keeps the topic closed until its recertification window opens (recertification.py).
    window_opens_by = timezone.localdate() + datetime.timedelta(days=session.topic.recertification_window_days)
    done = Booking.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=window_opens_by),
                                  user=OuterRef("pk"), topic=session.topic_id, status=Booking.Status.COMPLETED)
    return (staff_visible_to(head).exclude(pk=head.pk).exclude(Exists(booked)).exclude(Exists(done))
            .order_by("last_name", "first_name"))
