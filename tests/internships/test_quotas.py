"""Seats kept for municipalities: released to the common queue at the session's release time (in the queue's order,
once), and proposed from each municipality's share of the staff who still owe the internship."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from lms.accounts.roles import Role
from lms.internships import quotas, services, tasks
from lms.internships.models import Booking, BookingEvent, Requirement, Session, SessionQuota
from tests.factories import LibraryFactory, MunicipalityFactory, UserFactory
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db
S = Booking.Status


@pytest.fixture
def admin():
    return UserFactory(role=Role.ADMINISTRATOR)


@pytest.fixture
def places():
    return MunicipalityFactory(name="Кемерово"), MunicipalityFactory(name="Топкинский муниципальный округ")


def person_of(municipality, **kwargs):
    return UserFactory(library=LibraryFactory(municipality=municipality), **kwargs)


def kept_seat_and_queue(places, *, queue=2, kept=2):
    """Four seats, `kept` of them kept for the district; the city fills the shared ones, one district person takes
    a kept seat, and `queue` city people wait."""
    city, district = places
    session = SessionFactory(capacity=4)
    SessionQuota.objects.create(session=session, municipality=district, seats=kept)
    for _ in range(4 - kept):
        assert services.booking_request(user=person_of(city), session=session).status == S.REQUESTED
    assert services.booking_request(user=person_of(district), session=session).status == S.REQUESTED
    waiting = [services.booking_request(user=person_of(city), session=session) for _ in range(queue)]
    assert [b.status for b in waiting] == [S.WAITLISTED] * queue
    return session, waiting


def release_passed(session, minutes=1):
    Session.objects.filter(pk=session.pk).update(quota_release_at=timezone.now() - datetime.timedelta(minutes=minutes))
    session.refresh_from_db()


def statuses(bookings):
    for booking in bookings:
        booking.refresh_from_db()
    return [b.status for b in bookings]


# --- Release ---------------------------------------------------------------------------------------------------------

def test_before_the_release_time_a_kept_seat_stays_kept(places):
    session, waiting = kept_seat_and_queue(places)
    assert quotas.quotas_release_due() == 0
    assert quotas.session_quotas_release(session=session) == 0
    session.refresh_from_db()
    assert session.quotas_released_at is None
    assert statuses(waiting) == [S.WAITLISTED, S.WAITLISTED]
    # another city person still queues although the district's seat is empty
    assert services.booking_request(user=person_of(places[0]), session=session).status == S.WAITLISTED


def test_after_the_release_time_unused_kept_seats_go_to_the_queue_in_its_order_once(places):
    session, waiting = kept_seat_and_queue(places, queue=3, kept=3)  # two kept seats unused, three waiting
    release_passed(session)
    assert quotas.quotas_release_due() == 1
    assert statuses(waiting) == [S.OFFERED, S.OFFERED, S.WAITLISTED]
    session.refresh_from_db()
    assert session.quotas_released_at is not None and session.quotas_released_seats == 2
    offered_event = waiting[0].events.order_by("pk").last()
    assert (offered_event.to_status, offered_event.actor) == (S.OFFERED, None)
    assert "общую очередь" in offered_event.note
    assert waiting[0].offer_expires_at is not None

    events = BookingEvent.objects.filter(booking__session=session).count()
    released_at = session.quotas_released_at
    assert quotas.quotas_release_due() == 0  # a second run releases nothing
    assert quotas.session_quotas_release(session=session) == 0
    session.refresh_from_db()
    assert BookingEvent.objects.filter(booking__session=session).count() == events
    assert session.quotas_released_at == released_at
    assert statuses(waiting) == [S.OFFERED, S.OFFERED, S.WAITLISTED]


def test_the_queue_order_is_when_people_joined_it(places):
    session, waiting = kept_seat_and_queue(places, queue=2)
    # the second request is made the earlier arrival in the queue: the one kept seat left is offered to it
    Booking.objects.filter(pk=waiting[1].pk).update(queued_at=waiting[0].queued_at - datetime.timedelta(hours=1))
    release_passed(session)
    assert quotas.quotas_release_due() == 1
    assert statuses(waiting) == [S.WAITLISTED, S.OFFERED]


def test_the_release_time_defaults_to_the_booking_deadline(places, admin):
    session, waiting = kept_seat_and_queue(places)
    assert session.quota_release_at is None and session.quota_release_time == session.booking_deadline
    Session.objects.filter(pk=session.pk).update(booking_deadline=timezone.now() - datetime.timedelta(minutes=5))
    services.session_set_status(admin=admin, session=session, status=Session.Status.CLOSED)
    assert quotas.quotas_release_due() == 1
    assert statuses(waiting) == [S.OFFERED, S.WAITLISTED]


def test_a_request_after_the_release_time_is_not_held_back_by_a_quota(places):
    city, district = places
    session, _waiting = kept_seat_and_queue(places, queue=0)
    release_passed(session)
    # before the periodic task runs: the request itself releases the kept seats, and takes one (nobody queues)
    assert services.booking_request(user=person_of(city), session=session).status == S.REQUESTED
    session.refresh_from_db()
    assert session.quotas_released_at is not None and session.quotas_released_seats == 1
    # the seats are all taken now: a district person queues like anyone else, no kept seat is held back for them
    assert services.booking_request(user=person_of(district), session=session).status == S.WAITLISTED


def test_the_queue_comes_before_a_newcomer_once_the_release_time_has_passed(places):
    session, waiting = kept_seat_and_queue(places, queue=1)
    release_passed(session)
    newcomer = services.booking_request(user=person_of(places[0]), session=session)
    assert statuses(waiting) == [S.OFFERED]
    assert newcomer.status == S.WAITLISTED


def test_an_offer_after_the_release_passes_on_in_the_queue_whoever_it_is(places):
    session, waiting = kept_seat_and_queue(places, queue=2)
    release_passed(session)
    quotas.quotas_release_due()
    later = timezone.now() + datetime.timedelta(hours=session.confirm_hours + 1)
    assert services.offers_expire(now=later) == 1
    assert statuses(waiting) == [S.CANCELLED, S.OFFERED]


@pytest.mark.parametrize("change", ["cancelled", "no_quota", "starts_today", "held"])
def test_sessions_with_nothing_to_release_are_left_alone(places, change):
    session, waiting = kept_seat_and_queue(places)
    release_passed(session)
    if change == "cancelled" or change == "held":
        Session.objects.filter(pk=session.pk).update(status=change)
    elif change == "no_quota":
        session.quotas.all().delete()
    else:
        Session.objects.filter(pk=session.pk).update(start_date=timezone.localdate(), day_starts=datetime.time(0, 0),
                                                     end_date=timezone.localdate() + datetime.timedelta(days=1))
    assert quotas.quotas_release_due() == 0
    session.refresh_from_db()
    assert session.quotas_released_at is None
    assert statuses(waiting) == [S.WAITLISTED, S.WAITLISTED]


def test_the_periodic_task_calls_the_service_and_is_scheduled(places):
    session, waiting = kept_seat_and_queue(places)
    release_passed(session)
    assert tasks.release_kept_seats_task.delay().get() == 1
    assert tasks.release_kept_seats_task.delay().get() == 0
    assert statuses(waiting) == [S.OFFERED, S.WAITLISTED]
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "lms.internships.tasks.release_kept_seats_task" in scheduled


def test_the_release_time_may_not_be_after_the_session_starts():
    session = SessionFactory()
    session.quota_release_at = session.starts_at + datetime.timedelta(minutes=1)
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        session.full_clean()
    message = error.value.message_dict["quota_release_at"][0]
    starts = timezone.localtime(session.starts_at)
    assert message.startswith("Места по квотам должны перейти в общую очередь не позже начала стажировки")
    assert f"{starts.day} " in message and " г. в 09:00" in message
    session.quota_release_at = session.starts_at
    session.full_clean()  # at the start itself is allowed


# --- Proposal --------------------------------------------------------------------------------------------------------

@pytest.fixture
def owing():
    """Staff of Э(В)БК participants under a requirement: Юргинский 5, Топкинский 3, Тисульский 2 still owe it."""
    Requirement.objects.create(title="Стажировка участников Э(В)БК", evbk_only=True,
                               due_date=timezone.localdate() + datetime.timedelta(days=90))
    result = {}
    for name, count in (("Юргинский муниципальный округ", 5), ("Топкинский муниципальный округ", 3),
                        ("Тисульский муниципальный округ", 2)):
        municipality = MunicipalityFactory(name=name)
        library = LibraryFactory(municipality=municipality, evbk_participant=True)
        result[name] = (municipality, [UserFactory(library=library) for _ in range(count)])
    return result


def proposed(proposal):
    return {line.municipality.name: (line.owing, line.seats) for line in proposal.lines}


def test_proposal_splits_by_the_largest_remainder_and_sums_to_the_seats(admin, owing):
    session = SessionFactory(capacity=10)
    # 4 seats: shares 2.0, 1.2 and 0.8; the whole parts give 3, the seat left goes to the largest fraction (0.8)
    proposal = quotas.quota_proposal(viewer=admin, session=session, seats=4)
    assert proposed(proposal) == {"Юргинский муниципальный округ": (5, 2), "Топкинский муниципальный округ": (3, 1),
                                  "Тисульский муниципальный округ": (2, 1)}
    assert sum(proposal.quotas.values()) == 4 and proposal.owing == 10
    for seats in range(1, 11):
        assert sum(quotas.quota_proposal(viewer=admin, session=session, seats=str(seats)).quotas.values()) == seats
    # 3 seats: shares 1.5, 0.9 and 0.6 → 1, 0, 0 and two seats left for the fractions .9 and .6
    assert proposed(quotas.quota_proposal(viewer=admin, session=session, seats=3)) == {
        "Юргинский муниципальный округ": (5, 1), "Топкинский муниципальный округ": (3, 1),
        "Тисульский муниципальный округ": (2, 1)}
    # 1 seat: shares .5, .3, .2 → the largest fraction
    assert quotas.quota_proposal(viewer=admin, session=session, seats=1).quotas == {
        owing["Юргинский муниципальный округ"][0].pk: 1}


def test_equal_remainders_go_to_more_people_then_by_name(admin):
    Requirement.objects.create(title="Все", evbk_only=True, due_date=timezone.localdate() + datetime.timedelta(days=9))
    for name in ("Яйский муниципальный округ", "Ижморский муниципальный округ"):
        UserFactory(library=LibraryFactory(municipality=MunicipalityFactory(name=name), evbk_participant=True))
    proposal = quotas.quota_proposal(viewer=admin, session=SessionFactory(), seats=1)
    assert proposed(proposal) == {"Ижморский муниципальный округ": (1, 1), "Яйский муниципальный округ": (1, 0)}


def test_the_explanation_speaks_russian_with_plural_forms(admin, owing):
    session = SessionFactory(capacity=10)
    with translation.override("ru"):
        lines = [line.explanation for line in quotas.quota_proposal(viewer=admin, session=session, seats=4).lines]
        assert lines == ["Юргинский муниципальный округ: 5 из 10 должников — 2 места",
                         "Топкинский муниципальный округ: 3 из 10 должников — 1 место",
                         "Тисульский муниципальный округ: 2 из 10 должников — 1 место"]
        five = [line.explanation for line in quotas.quota_proposal(viewer=admin, session=session, seats=10).lines]
        assert five[0] == "Юргинский муниципальный округ: 5 из 10 должников — 5 мест"
        line = quotas.ProposalLine(owing["Юргинский муниципальный округ"][0], 14, 121, 0)
        assert line.explanation == "Юргинский муниципальный округ: 14 из 121 должника — 0 мест"


def test_who_counts_as_owing(admin, owing):
    session = SessionFactory(capacity=10)
    yurga = owing["Юргинский муниципальный округ"][1]
    # one holds a seat on another session (not owing a seat), one waits in a queue (still owing one)
    services.booking_request(user=yurga[0], session=SessionFactory(topic=session.topic))
    full = SessionFactory(capacity=1)
    services.booking_request(user=UserFactory(), session=full)
    assert services.booking_request(user=yurga[1], session=full).status == S.WAITLISTED
    assert quotas.owing_by_municipality(viewer=admin, session=session)[0][
        owing["Юргинский муниципальный округ"][0].pk] == 4
    # a requirement satisfied only by other topics does not count people for this session's topic
    Requirement.objects.all().update(is_active=False)
    other = Requirement.objects.create(title="Другая тема", evbk_only=True,
                                       due_date=timezone.localdate() + datetime.timedelta(days=9))
    other.topics.add(TopicFactory())
    assert quotas.owing_by_municipality(viewer=admin, session=session)[0] == {}


@pytest.mark.parametrize("seats,expected", [
    ("", "целое число от 1 до 10"), ("abc", "целое число от 1 до 10"), (0, "целое число от 1 до 10"),
    (11, "целое число от 1 до 10"), (-2, "целое число от 1 до 10"),
])
def test_proposal_refuses_a_bad_number_of_seats_in_russian(admin, owing, seats, expected):
    with translation.override("ru"), pytest.raises(services.BookingError, match=expected):
        quotas.quota_proposal(viewer=admin, session=SessionFactory(capacity=10), seats=seats)


def test_proposal_refuses_more_seats_than_people_owing_and_when_nobody_owes(admin, owing):
    with translation.override("ru"):
        with pytest.raises(services.BookingError, match="не больше мест, чем сотрудников.*: 10"):
            quotas.quota_proposal(viewer=admin, session=SessionFactory(capacity=20), seats=11)
        Requirement.objects.all().delete()
        with pytest.raises(services.BookingError, match="квоты предложить не из чего"):
            quotas.quota_proposal(viewer=admin, session=SessionFactory(capacity=20), seats=2)


def test_only_administrators_get_a_proposal(owing):
    with pytest.raises(PermissionDenied):
        quotas.quota_proposal(viewer=UserFactory(role=Role.LIBRARY_HEAD), session=SessionFactory(), seats=2)


def test_a_seat_freed_after_the_release_time_records_the_release_before_the_task_runs(places, admin):
    session, waiting = kept_seat_and_queue(places, queue=3)
    release_passed(session)
    holder = Booking.objects.filter(session=session, status=S.REQUESTED, municipality=places[0]).first()
    services.booking_cancel(actor=admin, booking=holder)
    assert statuses(waiting) == [S.OFFERED, S.OFFERED, S.WAITLISTED]  # the kept seat and the freed one
    session.refresh_from_db()
    assert session.quotas_released_at is not None and session.quotas_released_seats == 1
    assert quotas.quotas_release_due() == 0


def test_without_quotas_a_seat_freed_after_the_deadline_still_goes_to_the_queue(admin):
    session = SessionFactory(capacity=1)
    holder = services.booking_request(user=UserFactory(), session=session)
    waiting = services.booking_request(user=UserFactory(), session=session)
    Session.objects.filter(pk=session.pk).update(booking_deadline=timezone.now() - datetime.timedelta(hours=1))
    services.booking_cancel(actor=admin, booking=holder)
    assert statuses([waiting]) == [S.OFFERED]
    session.refresh_from_db()
    assert session.quotas_released_at is None  # nothing was kept, nothing to record
