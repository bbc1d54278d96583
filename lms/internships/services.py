"""The rules of internships. Every change of a booking's status goes through `_move`, which checks the transition
and writes the audit trail. Seats are counted under a lock on the session's row, and a person's bookings under a
lock on the person's row (always the person first, then the session), so concurrent requests cannot overbook a
session, book one topic twice or overlap two sessions of one person."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts.models import User
from lms.accounts.roles import ROLE_GROUP_NAMES, Role
from lms.accounts.selectors import staff_visible_to
from lms.dates import valid_until_for

from .models import Attendance, Booking, BookingEvent, CalendarFeed, Interest, Session, Topic
from .recertification import rebooking_refusal
from .seats import kept_quotas, kept_seats_unused, quotas_released, seat_free_for, seats_taken
from .selectors import mentored_by
from .signals import internship_completed

Status = Booking.Status
SessionStatus = Session.Status


def _check_not_completed(user: User, topic: Topic, *, about_other: bool) -> None:
    refusal = rebooking_refusal(user, topic, about_other=about_other)
    if refusal:
        raise BookingError(refusal)


class BookingError(Exception):
    """A rule says no; the message is for the person and is in Russian."""


# --- Who may do what ------------------------------------------------------------------------------------------------

def user_is_internship_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.has_perm("internships.change_booking")))


def user_mentors_session(user, session: Session) -> bool:
    if not (user and user.is_authenticated):
        return False
    return Session.objects.filter(mentored_by(user), pk=session.pk).exists()


def user_may_mark_attendance(user, session: Session) -> bool:
    return user_is_internship_admin(user) or user_mentors_session(user, session)


def user_heads_library_of(head, user) -> bool:
    """A library head acts for the staff of own library and its branches (and never for administrators' sake)."""
    if not (head and head.is_authenticated and head.has_perm("accounts.view_library_staff")):
        return False
    return staff_visible_to(head).filter(pk=user.pk).exists()


def _library_has_head(user: User) -> bool:
    if not user.library_id:
        return False
    libraries = [user.library_id] + ([user.library.parent_id] if user.library.parent_id else [])
    return User.objects.filter(is_active=True, library_id__in=libraries,
                               groups__name=ROLE_GROUP_NAMES[Role.LIBRARY_HEAD]).exists()


# --- Seats -----------------------------------------------------------------------------------------------------------

def _lock_session(session: Session) -> Session:
    return Session.objects.select_for_update(of=("self",)).select_related("topic").get(pk=session.pk)


def _lock_user(user: User) -> User:
    return User.objects.select_for_update(of=("self",)).select_related("library").get(pk=user.pk)


# --- Transitions -----------------------------------------------------------------------------------------------------

def _move(booking: Booking, to: str, *, actor: User | None, note: str = "", **fields) -> Booking:
    if not booking.can_move_to(to):
        raise BookingError(_("A booking that is «%(status)s» cannot become «%(target)s».") % {
            "status": booking.get_status_display(), "target": Status(to).label})
    from_status = booking.status
    booking.status = to
    for name, value in fields.items():
        setattr(booking, name, value)
    booking.save()
    BookingEvent.objects.create(booking=booking, from_status=from_status, to_status=to, actor=actor, note=note)
    return booking


def _created(booking: Booking, *, actor: User | None, note: str = "") -> Booking:
    BookingEvent.objects.create(booking=booking, from_status="", to_status=booking.status, actor=actor, note=note)
    return booking


def _notify(booking: Booking, kind: str, key: str | None = None) -> None:
    from .tasks import send_booking_notice_task

    send_booking_notice_task.delay_on_commit(booking.pk, kind, key or f"{booking.pk}:{kind}")


def _notify_status(booking: Booking) -> None:
    """The e-mail that tells a person where their booking now stands (one per event, keyed by the audit row)."""
    kind = {Status.HEAD_REVIEW: "requested", Status.REQUESTED: "requested", Status.APPROVED: "approved",
            Status.WAITLISTED: "queued", Status.OFFERED: "offered", Status.REJECTED: "rejected",
            Status.CANCELLED: "cancelled"}.get(booking.status)
    if kind:
        last_event = booking.events.order_by("-pk").values_list("pk", flat=True).first()
        _notify(booking, kind, f"{booking.pk}:{kind}:{last_event}")
        if booking.status in (Status.HEAD_REVIEW, Status.REQUESTED):  # and the people who must decide
            from .tasks import send_booking_awaiting_task
            send_booking_awaiting_task.delay_on_commit(booking.pk, last_event)


# --- Requests --------------------------------------------------------------------------------------------------------

def _check_person_free(user: User, session: Session, *, exclude_booking: int | None = None,
                       actor: User | None = None) -> None:
    """One active booking per topic, and no two sessions of one person on the same days and hours. The refusal
    speaks to the person, or about them when someone else (their library head, an administrator) acts."""
    about_other = actor is not None and actor.pk != user.pk
    mine = Booking.objects.filter(user=user, status__in=Booking.ACTIVE).exclude(pk=exclude_booking)
    _check_not_completed(user, session.topic, about_other=about_other)
    if mine.filter(topic=session.topic_id).exclude(status=Status.COMPLETED).exists():
        if about_other:
            raise BookingError(_("%(name)s already has a booking on this topic.") % {"name": user.full_name})
        raise BookingError(_("You already have a booking on this topic."))
    clash = mine.filter(
        session__start_date__lte=session.end_date, session__end_date__gte=session.start_date,
        session__day_starts__lt=session.day_ends, session__day_ends__gt=session.day_starts,
    ).exclude(session__status=SessionStatus.CANCELLED).select_related("session__topic").first()
    if clash:
        if about_other:
            raise BookingError(_("This session overlaps the booking of %(name)s for «%(other)s».")
                               % {"name": user.full_name, "other": clash.session})
        raise BookingError(_("This session overlaps your booking «%(other)s».") % {"other": clash.session})


def _new_booking(*, user: User, session: Session, actor: User, status_with_seat: str, note: str = "") -> Booking:
    _check_person_free(user, session, actor=actor)
    quotas_release_if_due(session)  # the queue comes before a newcomer to a seat no longer kept
    municipality_id = user.library.municipality_id if user.library_id else None
    has_seat = seat_free_for(session, municipality_id, seats_taken(session))
    now = timezone.now()
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                user=user, session=session, topic=session.topic, municipality_id=municipality_id,
                status=status_with_seat if has_seat else Status.WAITLISTED, created_by=actor, created_at=now,
                queued_at=None if has_seat else now, reason=note,
            )
    except IntegrityError:  # the partial unique index: a concurrent request of the same person won
        if actor.pk != user.pk:
            raise BookingError(_("%(name)s already has a booking on this topic.") % {"name": user.full_name}) from None
        raise BookingError(_("You already have a booking on this topic.")) from None
    _created(booking, actor=actor, note=note)
    _notify_status(booking)
    Interest.objects.filter(topic=session.topic, user=user, booking__isnull=True).update(booking=booking)
    return booking


@transaction.atomic
def booking_request(*, user: User, session: Session, note: str = "") -> Booking:
    """A learner asks for a seat: it is held pending approval when one is free, otherwise the request queues."""
    user = _lock_user(user)
    session = _lock_session(session)
    if not session.booking_is_open():
        raise BookingError(_("Booking for this session is closed."))
    head_first = session.topic.head_approval_first and _library_has_head(user)
    return _new_booking(user=user, session=session, actor=user, note=note,
                        status_with_seat=Status.HEAD_REVIEW if head_first else Status.REQUESTED)


@transaction.atomic
def booking_nominate(*, head: User, user: User, session: Session, note: str = "") -> Booking:
    """A library head puts one of own staff forward; the head's approval is implied."""
    if not user_heads_library_of(head, user):
        raise PermissionDenied(_("You can nominate only the staff of your own library."))
    user = _lock_user(user)
    session = _lock_session(session)
    if not session.booking_is_open():
        raise BookingError(_("Booking for this session is closed."))
    return _new_booking(user=user, session=session, actor=head, note=note, status_with_seat=Status.REQUESTED)


@transaction.atomic
def booking_add(*, admin: User, user: User, session: Session, over_capacity: bool = False,
                note: str = "") -> Booking:
    """An administrator adds a person as approved. Beyond capacity only when asked explicitly, and then recorded."""
    if not user_is_internship_admin(admin):
        raise PermissionDenied
    user = _lock_user(user)
    session = _lock_session(session)
    if session.status in (SessionStatus.CANCELLED, SessionStatus.HELD):
        raise BookingError(_("The session is «%(status)s»: nobody can be added.") % {
            "status": session.get_status_display()})
    quotas_release_if_due(session)
    municipality_id = user.library.municipality_id if user.library_id else None
    if not seat_free_for(session, municipality_id, seats_taken(session)):
        if not over_capacity:
            raise BookingError(_("The session is full. Tick «beyond capacity» to add the person anyway."))
        if not note.strip():
            raise BookingError(_("Say why the person is added beyond capacity."))
        _check_person_free(user, session, actor=admin)
        booking = Booking.objects.create(user=user, session=session, topic=session.topic,
                                         municipality_id=municipality_id, status=Status.APPROVED, created_by=admin,
                                         over_capacity=True, reason=note)
        _created(booking, actor=admin, note=_("Added beyond capacity: %(note)s") % {"note": note})
        _notify_status(booking)
        return booking
    return _new_booking(user=user, session=session, actor=admin, note=note, status_with_seat=Status.APPROVED)


# --- Decisions -------------------------------------------------------------------------------------------------------

def _locked_booking(booking: Booking) -> tuple[Booking, Session]:
    session = _lock_session(booking.session)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("user", "user__library").get(pk=booking.pk)
    booking.session = session
    return booking, session


@transaction.atomic
def booking_head_decide(*, head: User, booking: Booking, approve: bool, reason: str = "") -> Booking:
    if not user_heads_library_of(head, booking.user):
        raise PermissionDenied(_("You can decide only on the staff of your own library."))
    booking, session = _locked_booking(booking)
    if booking.status != Status.HEAD_REVIEW:
        raise BookingError(_("This request is not waiting for the library head."))
    if approve:
        _move(booking, Status.REQUESTED, actor=head, note=reason)
    else:
        if not reason.strip():
            raise BookingError(_("Give the reason for the refusal."))
        _move(booking, Status.REJECTED, actor=head, note=reason, reason=reason)
        _promote(session, actor=head)
    _notify_status(booking)
    return booking


@transaction.atomic
def booking_approve(*, admin: User, booking: Booking, note: str = "") -> Booking:
    if not user_is_internship_admin(admin):
        raise PermissionDenied
    booking, session = _locked_booking(booking)
    if session.status == SessionStatus.CANCELLED:
        raise BookingError(_("The session is cancelled."))
    _move(booking, Status.APPROVED, actor=admin, note=note)
    _notify_status(booking)
    return booking


@transaction.atomic
def booking_reject(*, admin: User, booking: Booking, reason: str) -> Booking:
    if not user_is_internship_admin(admin):
        raise PermissionDenied
    if not reason.strip():
        raise BookingError(_("Give the reason for the refusal."))
    booking, session = _locked_booking(booking)
    held_seat = booking.holds_seat
    _move(booking, Status.REJECTED, actor=admin, note=reason, reason=reason, offer_expires_at=None)
    _notify_status(booking)
    if held_seat:
        _promote(session, actor=admin)
    return booking


@transaction.atomic
def booking_cancel(*, actor: User, booking: Booking, reason: str = "") -> Booking:
    """The person cancels own booking before the session's deadline; an administrator at any time."""
    booking, session = _locked_booking(booking)
    if not user_is_internship_admin(actor):
        if booking.user_id != actor.pk:
            raise PermissionDenied
        if timezone.now() > session.booking_deadline:
            raise BookingError(_("The deadline for cancelling has passed; write to the administrators of ОНБ."))
    held_seat = booking.holds_seat
    _move(booking, Status.CANCELLED, actor=actor, note=reason, reason=reason, offer_expires_at=None,
          ical_sequence=booking.ical_sequence + 1)
    _notify_status(booking)
    if held_seat:
        _promote(session, actor=actor)
    return booking


@transaction.atomic
def booking_confirm_offer(*, user: User, booking: Booking) -> Booking:
    booking, session = _locked_booking(booking)
    if booking.user_id != user.pk:
        raise PermissionDenied
    if booking.status != Status.OFFERED:
        raise BookingError(_("No seat is offered to you on this session."))
    if booking.offer_expires_at and timezone.now() > booking.offer_expires_at:
        raise BookingError(_("The time to confirm has run out; the seat has passed to the next person."))
    head_first = session.topic.head_approval_first and _library_has_head(booking.user)
    _move(booking, Status.HEAD_REVIEW if head_first else Status.REQUESTED, actor=user, offer_expires_at=None,
          note=_("Offered seat confirmed"))
    _notify_status(booking)
    return booking


def _promote(session: Session, *, actor: User | None, note: str = "") -> int:
    """Offer freed seats to the queue in arrival order (call under the session's lock). A seat kept for one
    municipality goes to the first person of that municipality; a shared seat to the first person at all."""
    if session.status not in (SessionStatus.OPEN, SessionStatus.CLOSED) or session.start_date <= timezone.localdate():
        return 0
    if session.quotas_released_at is None and quotas_released(session):
        released = quotas_release_if_due(session)  # the first seats to move after the release time: recorded so
        if session.quotas_released_at is not None:
            return released
    quotas = kept_quotas(session)
    taken = seats_taken(session)
    offered = 0
    expires = timezone.now() + datetime.timedelta(hours=session.confirm_hours)
    for booking in (Booking.objects.select_for_update().filter(session=session, status=Status.WAITLISTED)
                    .order_by("queued_at", "pk")):
        if not seat_free_for(session, booking.municipality_id, taken, quotas):
            continue
        _move(booking, Status.OFFERED, actor=actor, offer_expires_at=expires, note=note or _("A seat has become free"))
        _notify_status(booking)
        taken[booking.municipality_id] += 1
        offered += 1
    return offered


def offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Offers not confirmed in time are withdrawn and the seat passes on (Celery beat, every few minutes)."""
    now = now or timezone.now()
    expired = 0
    for pk in Booking.objects.filter(status=Status.OFFERED, offer_expires_at__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            booking = Booking.objects.select_related("session").get(pk=pk)
            booking, session = _locked_booking(booking)
            if booking.status != Status.OFFERED or booking.offer_expires_at >= now:
                continue
            _move(booking, Status.CANCELLED, actor=None, offer_expires_at=None,
                  note=_("The offered seat was not confirmed in time"))
            _notify_status(booking)
            _promote(session, actor=None)
            expired += 1
    return expired


def quotas_release_if_due(session: Session, *, now: datetime.datetime | None = None) -> int:
    """Once the release time has come, the kept seats nobody took are offered to the queue in its order; done once
    per session and recorded on it (call under the session's lock). Returns how many seats were offered."""
    now = now or timezone.now()
    if (session.quotas_released_at is not None or not quotas_released(session, now)
            or session.status not in (SessionStatus.OPEN, SessionStatus.CLOSED) or now >= session.starts_at):
        return 0
    quotas = dict(session.quotas.values_list("municipality_id", "seats"))
    if not quotas:
        return 0
    session.quotas_released_at = now
    session.quotas_released_seats = kept_seats_unused(quotas, seats_taken(session))
    session.save(update_fields=["quotas_released_at", "quotas_released_seats"])
    return _promote(session, actor=None, note=_("A kept seat nobody took has passed to the common queue"))


# --- Interest and sessions -------------------------------------------------------------------------------------------

@transaction.atomic
def interest_register(*, user: User, topic: Topic) -> Interest:
    """Put a person on a topic's interest list (once while waiting)."""
    interest = Interest.objects.filter(topic=topic, user=user, booking__isnull=True).first()
    if interest:
        return interest
    _check_not_completed(user, topic, about_other=False)
    if Booking.objects.filter(user=user, topic=topic, status__in=Booking.ACTIVE).exclude(status=Status.COMPLETED
                                                                                         ).exists():
        raise BookingError(_("You already have a booking on this topic."))
    try:
        with transaction.atomic():
            return Interest.objects.create(topic=topic, user=user)
    except IntegrityError:
        return Interest.objects.get(topic=topic, user=user, booking__isnull=True)


@transaction.atomic
def interest_withdraw(*, user: User, topic: Topic) -> int:
    return Interest.objects.filter(topic=topic, user=user, booking__isnull=True).delete()[0]


@transaction.atomic
def session_open(*, admin: User, session: Session) -> int:
    """Open booking; the people on the topic's interest list are offered seats in the order they asked.
    Returns how many were offered."""
    if not user_is_internship_admin(admin):
        raise PermissionDenied
    session = _lock_session(session)
    if session.status not in (SessionStatus.PLANNED, SessionStatus.CLOSED):
        raise BookingError(_("Only a planned or closed session can be opened."))
    session.status = SessionStatus.OPEN
    session.save(update_fields=["status"])
    quotas = kept_quotas(session)
    taken = seats_taken(session)
    expires = timezone.now() + datetime.timedelta(hours=session.confirm_hours)
    offered = 0
    for interest in Interest.objects.filter(topic=session.topic, booking__isnull=True).select_related(
            "user__library").order_by("created_at", "pk"):
        user = interest.user
        municipality_id = user.library.municipality_id if user.library_id else None
        if not user.is_active or not seat_free_for(session, municipality_id, taken, quotas):
            continue
        try:
            _check_person_free(user, session)
        except BookingError:
            continue
        booking = Booking.objects.create(user=user, session=session, topic=session.topic,
                                         municipality_id=municipality_id, status=Status.OFFERED, created_by=admin,
                                         offer_expires_at=expires)
        _created(booking, actor=admin, note=_("Offered from the interest list"))
        _notify_status(booking)
        interest.booking = booking
        interest.save(update_fields=["booking"])
        taken[municipality_id] += 1
        offered += 1
    return offered


@transaction.atomic
def session_set_status(*, admin: User, session: Session, status: str) -> Session:
    """Close booking, reopen it or mark the session held (cancelling has its own service)."""
    if not user_is_internship_admin(admin):
        raise PermissionDenied
    session = _lock_session(session)
    allowed = {SessionStatus.PLANNED: (SessionStatus.OPEN,), SessionStatus.OPEN: (SessionStatus.CLOSED,),
               SessionStatus.CLOSED: (SessionStatus.OPEN, SessionStatus.HELD)}
    if status == SessionStatus.OPEN and session.status != SessionStatus.OPEN:
        session_open(admin=admin, session=session)
        session.refresh_from_db()
        return session
    if status not in allowed.get(session.status, ()):
        raise BookingError(_("A session that is «%(status)s» cannot become «%(target)s».") % {
            "status": session.get_status_display(), "target": SessionStatus(status).label})
    session.status = status
    session.save(update_fields=["status"])
    return session


@transaction.atomic
def session_changed(*, admin: User, session: Session, previous: dict) -> int:
    """After an edit in the admin: when the dates, times or room changed, calendars get an update (same UID,
    higher SEQUENCE) and the people booked are told; a larger capacity offers seats to the queue."""
    session = _lock_session(session)
    watched = ("start_date", "end_date", "day_starts", "day_ends", "room")
    if any(previous.get(name) != getattr(session, name) for name in watched):
        session.sequence += 1
        session.save(update_fields=["sequence"])
        for booking in session.bookings.filter(status__in=(Status.HEAD_REVIEW, Status.REQUESTED, Status.APPROVED,
                                                           Status.OFFERED, Status.WAITLISTED)):
            _notify(booking, "changed", f"{booking.pk}:changed:{session.sequence}")
    return _promote(session, actor=admin)


@transaction.atomic
def session_cancel(*, admin: User, session: Session, reason: str) -> int:
    """Cancel a session: every active booking is cancelled and its calendar event withdrawn (METHOD:CANCEL)."""
    if not user_is_internship_admin(admin):
        raise PermissionDenied
    if not reason.strip():
        raise BookingError(_("Give the reason for cancelling the session."))
    session = _lock_session(session)
    if session.status in (SessionStatus.HELD, SessionStatus.CANCELLED):
        raise BookingError(_("A session that is «%(status)s» cannot be cancelled.") % {
            "status": session.get_status_display()})
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status"])
    count = 0
    for booking in session.bookings.filter(status__in=(Status.HEAD_REVIEW, Status.REQUESTED, Status.APPROVED,
                                                       Status.OFFERED, Status.WAITLISTED)):
        _move(booking, Status.CANCELLED, actor=admin, note=reason, reason=reason, offer_expires_at=None,
              ical_sequence=booking.ical_sequence + 1)
        _notify(booking, "session_cancelled")
        count += 1
    return count


# --- Calendar feed --------------------------------------------------------------------------------------------------

def calendar_feed_for(*, user: User) -> CalendarFeed:
    """The person's feed address, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


# --- Attendance and completion ---------------------------------------------------------------------------------------

@transaction.atomic
def attendance_mark(*, actor: User, booking: Booking, day: datetime.date, mark: str) -> Attendance:
    booking, session = _locked_booking(booking)
    if not user_may_mark_attendance(actor, session):
        raise PermissionDenied
    if mark not in Attendance.Mark.values:
        raise BookingError(_("Unknown attendance mark."))
    if day not in session.days:
        raise BookingError(_("%(day)s is not a day of this session.") % {"day": day.strftime("%d.%m.%Y")})
    if day > timezone.localdate():
        raise BookingError(_("Attendance cannot be marked for a day that has not come."))
    if booking.status not in (Status.APPROVED, Status.ATTENDED, Status.NO_SHOW):
        raise BookingError(_("Attendance is marked only for approved bookings."))
    attendance, _created_row = Attendance.objects.update_or_create(
        booking=booking, day=day, defaults={"mark": mark, "marked_by": actor, "marked_at": timezone.now()})
    _completion_check(booking, session, actor=actor)
    return attendance


@transaction.atomic
def booking_evaluate(*, actor: User, booking: Booking, evaluation: str, comment: str = "") -> Booking:
    booking, session = _locked_booking(booking)
    if not user_may_mark_attendance(actor, session):
        raise PermissionDenied
    if evaluation not in Booking.Evaluation.values:
        raise BookingError(_("Unknown evaluation."))
    if booking.status not in (Status.APPROVED, Status.ATTENDED):
        raise BookingError(_("Only an approved or attended booking can be evaluated."))
    booking.evaluation, booking.evaluation_comment, booking.evaluated_by = evaluation, comment, actor
    booking.save(update_fields=["evaluation", "evaluation_comment", "evaluated_by"])
    _completion_check(booking, session, actor=actor)
    return booking


@transaction.atomic
def booking_report_upload(*, user: User, booking: Booking, upload) -> Booking:
    booking, session = _locked_booking(booking)
    if booking.user_id != user.pk:
        raise PermissionDenied
    if booking.status not in (Status.APPROVED, Status.ATTENDED):
        raise BookingError(_("A report can be uploaded for an approved booking only."))
    if session.start_date > timezone.localdate():
        raise BookingError(_("The report can be uploaded once the internship has begun."))
    booking.report.save(upload.name, upload, save=False)
    booking.report_uploaded_at = timezone.now()
    booking.save(update_fields=["report", "report_uploaded_at"])
    _completion_check(booking, session, actor=user)
    return booking


@transaction.atomic
def attendance_record(*, actor: User, booking: Booking, marks: dict[datetime.date, str], evaluation: str = "",
                      comment: str = "") -> int:
    """One row of the roster's grid: the day marks given, then the evaluation, all or nothing. Returns how many
    were recorded."""
    recorded = 0
    for day, mark in sorted(marks.items()):
        attendance_mark(actor=actor, booking=booking, day=day, mark=mark)
        recorded += 1
    if evaluation:
        booking_evaluate(actor=actor, booking=booking, evaluation=evaluation, comment=comment)
        recorded += 1
    return recorded


def attendance_share(session: Session, marks: list[str]) -> float:
    """The share of the session's days attended: present counts as one, part of the day as a half."""
    if not session.days:
        return 0.0
    value = sum(1.0 if m == Attendance.Mark.PRESENT else 0.5 if m == Attendance.Mark.PARTIAL else 0.0
                for m in marks)
    return value / len(session.days)


def _completion_check(booking: Booking, session: Session, *, actor: User | None) -> None:
    """Once every day is marked the booking is attended (or a no-show); completed when the topic's rule holds:
    enough attendance, the mentor's «passed» and, if the topic asks, the intern's report."""
    marks = list(booking.attendance.values_list("mark", flat=True))
    all_marked = len(marks) == len(session.days)
    share = attendance_share(session, marks)
    enough = share * 100 >= session.topic.min_attendance_percent
    if booking.status == Status.APPROVED and all_marked:
        if share == 0:
            _move(booking, Status.NO_SHOW, actor=actor, note=_("Absent on every day"))
            return
        _move(booking, Status.ATTENDED, actor=actor)
    elif booking.status == Status.NO_SHOW and share > 0:
        _move(booking, Status.ATTENDED, actor=actor, note=_("Attendance corrected"))
    if (booking.status == Status.ATTENDED and enough and booking.evaluation == Booking.Evaluation.PASSED
            and (booking.report or not session.topic.report_required)):
        now = timezone.now()
        # Recertification: the completion counts until this date (Kemerovo calendar), frozen now; None: no expiry.
        _move(booking, Status.COMPLETED, actor=actor, completed_at=now,
              valid_until=valid_until_for(timezone.localdate(now), session.topic.validity_months))
        booking_id, user_id, topic_id = booking.pk, booking.user_id, booking.topic_id
        _notify(booking, "completed")
        transaction.on_commit(lambda: internship_completed.send(
            sender=Booking, booking_id=booking_id, user_id=user_id, topic_id=topic_id))

