"""The internships: topics, dated sessions, bookings in states the state machine reaches, their audit trail and
attendance, and the requirement."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from lms import content_cache
from lms.accounts.models import User
from lms.internships.models import Attendance, Booking, BookingEvent, Requirement, Session, Topic, TopicDay

from .sizes import LoadSize
from .words import DEPARTMENTS, SUBJECTS
from .writing import bulk

BOOKING_PATHS = {
    Booking.Status.REQUESTED: ["requested"],
    Booking.Status.HEAD_REVIEW: ["head_review"],
    Booking.Status.APPROVED: ["requested", "approved"],
    Booking.Status.WAITLISTED: ["waitlisted"],
    Booking.Status.OFFERED: ["waitlisted", "offered"],
    Booking.Status.REJECTED: ["requested", "rejected"],
    Booking.Status.CANCELLED: ["requested", "approved", "cancelled"],
    Booking.Status.ATTENDED: ["requested", "approved", "attended"],
    Booking.Status.COMPLETED: ["requested", "approved", "attended", "completed"],
    Booking.Status.NO_SHOW: ["requested", "approved", "no_show"],
}


def _topics(count: int, trainer: User) -> list[Topic]:
    topics = []
    for number in range(count):
        subject = SUBJECTS[number % len(SUBJECTS)]
        topics.append(Topic(title=f"Стажировка: {subject.lower()}" + (f" ({number // len(SUBJECTS) + 1})"
                                                                        if number >= len(SUBJECTS) else ""),
                            description=f"Практика в ОНБ им. В.Д. Федорова по теме «{subject}».",
                            academic_hours=8 * (1 + number % 3), host_department=DEPARTMENTS[number % len(DEPARTMENTS)],
                            min_attendance_percent=100, report_required=False))
    topics = bulk(Topic, topics)
    days = []
    for topic in topics:
        for day in range(1 + topics.index(topic) % 3):
            days.append(TopicDay(topic=topic, sort_order=day, title=f"День {day + 1}",
                                 content="Знакомство с отделом и практическая работа под руководством наставника."))
    bulk(TopicDay, days)
    through = Topic.mentors.through
    bulk(through, [through(topic_id=topic.pk, user_id=trainer.pk) for topic in topics])
    return topics


def _notes_per_session(held: list[Session], target: int, rng: random.Random) -> dict[int, int]:
    """How many completed internships (each with its note) every held session gets: `target` in all, as even as
    the sessions' seats allow."""
    notes = dict.fromkeys((s.pk for s in held), 0)
    left = target
    while left > 0:
        room = [s for s in held if notes[s.pk] < s.capacity]
        if not room:
            break
        for session in rng.sample(room, min(left, len(room))):
            notes[session.pk] += 1
            left -= 1
    return notes


def internships_write(size: LoadSize, staff: list[User], admin: User, trainer: User, rng: random.Random,
                      now, note_target: int) -> list[Booking]:
    if not size.sessions:
        return []
    topics = _topics(max(4, size.sessions // 25), trainer)
    today = timezone.localdate(now)
    sessions = []
    for number in range(size.sessions):
        topic = topics[number % len(topics)]
        length = topics.index(topic) % 3 + 1
        start = today + datetime.timedelta(days=rng.randint(-700, 180))
        end = start + datetime.timedelta(days=length - 1)
        if end < today:
            status = Session.Status.CANCELLED if rng.random() < 0.05 else Session.Status.HELD
        elif start <= today:
            status = Session.Status.CLOSED
        else:
            roll = rng.random()
            status = (Session.Status.CANCELLED if roll < 0.08 else Session.Status.PLANNED if roll < 0.25
                      else Session.Status.OPEN)
        sessions.append(Session(
            topic=topic, start_date=start, end_date=end, room=f"ауд. {rng.randint(101, 420)}",
            capacity=rng.randint(8, 20), status=status, created_at=now - datetime.timedelta(days=800),
            booking_deadline=timezone.make_aware(datetime.datetime.combine(start - datetime.timedelta(days=3),
                                                                           datetime.time(18, 0))),
        ))
    sessions = bulk(Session, sessions)
    # Internship staff come mostly from the Э(В)БК participants (the requirement), some from elsewhere.
    evbk = [u for u in staff if u.library.evbk_participant or (u.library.parent and u.library.parent.evbk_participant)]
    pool = evbk * 3 + staff
    active_topics: set[tuple[int, int]] = set()
    busy: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    held = [s for s in sessions if s.status == Session.Status.HELD]
    notes_left = _notes_per_session(held, note_target, rng)

    def pick(session: Session, active: bool) -> User | None:
        for _try in range(30):
            user = rng.choice(pool)
            if not active:
                return user
            if (user.pk, session.topic_id) in active_topics:
                continue
            if any(s <= session.end_date and session.start_date <= e for s, e in busy[user.pk]):
                continue
            active_topics.add((user.pk, session.topic_id))
            busy[user.pk].append((session.start_date, session.end_date))
            return user
        return None

    bookings = []
    for session in sessions:
        statuses: list[str] = []
        seats = session.capacity
        if session.status == Session.Status.HELD:
            holders = min(seats, max(notes_left.get(session.pk, 0), rng.randint(seats // 2, seats)))
            completed = min(holders, notes_left.get(session.pk, 0))
            statuses += [Booking.Status.COMPLETED] * completed + [Booking.Status.ATTENDED] * (holders - completed)
            statuses += [Booking.Status.NO_SHOW] * rng.randint(0, 2) + [Booking.Status.CANCELLED] * rng.randint(0, 2)
        elif session.status == Session.Status.CLOSED:
            statuses += [Booking.Status.APPROVED] * rng.randint(seats // 2, seats)
            statuses += [Booking.Status.CANCELLED] * rng.randint(0, 1)
        elif session.status == Session.Status.OPEN:
            holders = rng.randint(0, seats)
            statuses += rng.choices([Booking.Status.REQUESTED, Booking.Status.APPROVED], [3, 7], k=holders)
            if holders == seats:
                statuses += [Booking.Status.WAITLISTED] * rng.randint(1, 4)
            elif holders and rng.random() < 0.3:
                statuses[-1] = Booking.Status.OFFERED
            statuses += [Booking.Status.REJECTED] * rng.randint(0, 1) + [Booking.Status.CANCELLED] * rng.randint(0, 1)
        elif session.status == Session.Status.CANCELLED:
            statuses += [Booking.Status.CANCELLED] * rng.randint(0, seats // 2)
        booked_at = min(now, timezone.make_aware(datetime.datetime.combine(
            session.start_date - datetime.timedelta(days=20), datetime.time(10, 0))))
        for status in statuses:
            user = pick(session, status in Booking.ACTIVE)
            if user is None:
                continue
            created = booked_at - datetime.timedelta(days=rng.randint(0, 15), minutes=rng.randint(0, 600))
            booking = Booking(user=user, session=session, topic_id=session.topic_id, status=status,
                              municipality_id=user.library.municipality_id, created_at=created, created_by=user)
            if BOOKING_PATHS[status][0] == "waitlisted":
                booking.queued_at = created
            if status == Booking.Status.OFFERED:
                booking.offer_expires_at = now + datetime.timedelta(hours=session.confirm_hours)
            if status == Booking.Status.REJECTED:
                booking.reason = "Сотрудник уже проходил стажировку по этой теме."
            if status == Booking.Status.CANCELLED:
                booking.reason = ("Сессия отменена." if session.status == Session.Status.CANCELLED
                                  else "Не отпускают с работы в эти дни.")
            if status == Booking.Status.COMPLETED:
                booking.evaluation, booking.evaluated_by = Booking.Evaluation.PASSED, trainer
                booking.evaluation_comment = "Задания выполнены полностью."
                booking.completed_at = timezone.make_aware(datetime.datetime.combine(
                    session.end_date + datetime.timedelta(days=1), datetime.time(10, 0)))
            bookings.append(booking)
    bookings = bulk(Booking, bookings)
    events, attendance = [], []
    for booking in bookings:
        session = booking.session
        path = BOOKING_PATHS[booking.status]
        previous = ""
        for step, status in enumerate(path):
            at = min(now, booking.created_at + datetime.timedelta(days=step))
            if status in ("attended", "completed", "no_show"):
                at = min(now, booking.completed_at or session.ends_at)
            events.append(BookingEvent(booking=booking, from_status=previous, to_status=status, at=at,
                                       actor=booking.user if step == 0 else admin))
            previous = status
        if booking.status in (Booking.Status.ATTENDED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW):
            mark = Attendance.Mark.ABSENT if booking.status == Booking.Status.NO_SHOW else Attendance.Mark.PRESENT
            for day in session.days:
                attendance.append(Attendance(booking=booking, day=day, mark=mark, marked_by=trainer,
                                             marked_at=session.ends_at))
    bulk(BookingEvent, events)
    bulk(Attendance, attendance)
    if not Requirement.objects.filter(is_active=True).exists():
        requirement = Requirement.objects.create(
            title="Стажировка сотрудников библиотек — участниц Э(В)БК (решение Совета директоров)",
            evbk_only=True, due_months=12)
        Requirement.objects.filter(pk=requirement.pk).update(created_at=now - datetime.timedelta(days=800))
        content_cache.generation_bump()  # an update() sends no signal: the kept requirements go
    return bookings
