import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lms.accounts.roles import Role
from lms.internships import services
from lms.internships.models import Attendance, Booking, BookingEvent, Interest, Session, SessionQuota
from lms.internships.services import BookingError
from lms.internships.signals import internship_completed
from tests.factories import LibraryFactory, MunicipalityFactory, UserFactory
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db
S = Booking.Status


@pytest.fixture
def admin():
    return UserFactory(role=Role.ADMINISTRATOR, last_name="Админова")


@pytest.fixture
def session():
    return SessionFactory(capacity=2)


def statuses(booking):
    return list(booking.events.values_list("from_status", "to_status"))


def test_request_holds_a_seat_then_queues_when_full(session):
    first, second, third = (services.booking_request(user=UserFactory(), session=session) for _ in range(3))
    assert [first.status, second.status, third.status] == [S.REQUESTED, S.REQUESTED, S.WAITLISTED]
    assert third.queued_at is not None
    assert statuses(first) == [("", "requested")]
    assert BookingEvent.objects.get(booking=first).actor == first.user


def test_every_transition_is_audited_with_actor(session, admin):
    booking = services.booking_request(user=UserFactory(), session=session)
    services.booking_approve(admin=admin, booking=booking)
    booking.refresh_from_db()
    assert booking.status == S.APPROVED
    event = booking.events.last()
    assert (event.from_status, event.to_status, event.actor) == ("requested", "approved", admin)


@pytest.mark.parametrize("start,target", [
    (S.REJECTED, S.APPROVED), (S.CANCELLED, S.REQUESTED), (S.COMPLETED, S.CANCELLED),
    (S.WAITLISTED, S.APPROVED), (S.APPROVED, S.REQUESTED), (S.HEAD_REVIEW, S.APPROVED),
])
def test_forbidden_transitions_raise_and_change_nothing(session, start, target):
    booking = Booking.objects.create(user=UserFactory(), session=session, topic=session.topic, status=start)
    with pytest.raises(BookingError):
        services._move(booking, target, actor=None)
    booking.refresh_from_db()
    assert booking.status == start
    assert not booking.events.exists()


ALL_PAIRS = [(a, b) for a in S.values for b in S.values]


@pytest.mark.parametrize("start,target", ALL_PAIRS)
def test_every_pair_of_statuses_is_allowed_exactly_as_the_table_says(session, start, target):
    booking = Booking.objects.create(user=UserFactory(), session=session, topic=session.topic, status=start)
    if target in Booking.TRANSITIONS[start]:
        services._move(booking, target, actor=None, note="test")
        booking.refresh_from_db()
        assert booking.status == target
        assert list(booking.events.values_list("from_status", "to_status")) == [(start, target)]
    else:
        with pytest.raises(BookingError):
            services._move(booking, target, actor=None)
        booking.refresh_from_db()
        assert booking.status == start and not booking.events.exists()


def test_transition_table_is_closed():
    for source, targets in Booking.TRANSITIONS.items():
        assert source in S.values
        assert set(targets) <= set(S.values)


def test_rejecting_frees_the_seat_for_the_first_in_queue(session, admin):
    holders = [services.booking_request(user=UserFactory(), session=session) for _ in range(2)]
    queued = [services.booking_request(user=UserFactory(), session=session) for _ in range(2)]
    services.booking_reject(admin=admin, booking=holders[0], reason="Нет направления")
    queued[0].refresh_from_db(), queued[1].refresh_from_db()
    assert queued[0].status == S.OFFERED and queued[0].offer_expires_at > timezone.now()
    assert queued[1].status == S.WAITLISTED
    services.booking_confirm_offer(user=queued[0].user, booking=queued[0])
    queued[0].refresh_from_db()
    assert queued[0].status == S.REQUESTED


def test_reject_needs_a_reason(session, admin):
    booking = services.booking_request(user=UserFactory(), session=session)
    with pytest.raises(BookingError):
        services.booking_reject(admin=admin, booking=booking, reason="  ")


def test_unconfirmed_offer_passes_on(session, admin):
    holder = services.booking_request(user=UserFactory(), session=session)
    services.booking_request(user=UserFactory(), session=session)
    first, second = (services.booking_request(user=UserFactory(), session=session) for _ in range(2))
    services.booking_cancel(actor=holder.user, booking=holder)
    first.refresh_from_db()
    assert first.status == S.OFFERED
    assert services.offers_expire(now=first.offer_expires_at + datetime.timedelta(minutes=1)) == 1
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == S.CANCELLED and second.status == S.OFFERED
    with pytest.raises(BookingError):
        services.booking_confirm_offer(user=first.user, booking=first)


def test_one_active_booking_per_topic_and_no_overlap(session):
    user = UserFactory()
    services.booking_request(user=user, session=session)
    same_topic = SessionFactory(topic=session.topic, start_date=session.start_date + datetime.timedelta(days=20))
    with pytest.raises(BookingError, match="уже есть заявка"):
        services.booking_request(user=user, session=same_topic)
    overlapping = SessionFactory(start_date=session.end_date)
    with pytest.raises(BookingError, match="пересекаются"):
        services.booking_request(user=user, session=overlapping)
    afternoon = SessionFactory(start_date=session.start_date, day_starts=datetime.time(17, 0),
                               day_ends=datetime.time(19, 0))
    assert services.booking_request(user=user, session=afternoon).status == S.REQUESTED


def test_a_cancelled_booking_allows_a_new_one(session):
    user = UserFactory()
    booking = services.booking_request(user=user, session=session)
    services.booking_cancel(actor=user, booking=booking)
    assert services.booking_request(user=user, session=session).status == S.REQUESTED


def test_closed_or_past_deadline_session_refuses_requests():
    closed = SessionFactory(status=Session.Status.CLOSED)
    with pytest.raises(BookingError, match="закрыта"):
        services.booking_request(user=UserFactory(), session=closed)
    late = SessionFactory(booking_deadline=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(BookingError):
        services.booking_request(user=UserFactory(), session=late)


def test_learner_cancels_only_own_and_before_deadline(session, admin):
    booking = services.booking_request(user=UserFactory(), session=session)
    with pytest.raises(PermissionDenied):
        services.booking_cancel(actor=UserFactory(), booking=booking)
    Session.objects.filter(pk=session.pk).update(booking_deadline=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(BookingError, match="Срок отмены прошёл"):
        services.booking_cancel(actor=booking.user, booking=booking)
    services.booking_cancel(actor=admin, booking=booking, reason="болезнь")
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED and booking.ical_sequence == 1


def test_head_nominates_only_own_staff():
    library = LibraryFactory()
    head = UserFactory(role=Role.LIBRARY_HEAD, library=library)
    own = UserFactory(library=library)
    branch_staff = UserFactory(library=LibraryFactory(parent=library, municipality=library.municipality))
    stranger = UserFactory()
    session = SessionFactory()
    assert services.booking_nominate(head=head, user=own, session=session).status == S.REQUESTED
    assert services.booking_nominate(head=head, user=branch_staff, session=session).created_by == head
    with pytest.raises(PermissionDenied):
        services.booking_nominate(head=head, user=stranger, session=session)
    with pytest.raises(PermissionDenied):
        services.booking_nominate(head=UserFactory(), user=own, session=SessionFactory())


def test_head_approves_first_when_the_topic_asks():
    library = LibraryFactory()
    head = UserFactory(role=Role.LIBRARY_HEAD, library=library)
    session = SessionFactory(topic=TopicFactory(head_approval_first=True))
    booking = services.booking_request(user=UserFactory(library=library), session=session)
    assert booking.status == S.HEAD_REVIEW
    with pytest.raises(PermissionDenied):
        services.booking_head_decide(head=UserFactory(role=Role.LIBRARY_HEAD), booking=booking, approve=True)
    services.booking_head_decide(head=head, booking=booking, approve=True)
    booking.refresh_from_db()
    assert booking.status == S.REQUESTED
    # without a head in the library, the request goes straight to the administrators
    assert services.booking_request(user=UserFactory(), session=session).status == S.REQUESTED


def test_admin_adds_beyond_capacity_only_explicitly(session, admin):
    for _ in range(2):
        services.booking_add(admin=admin, user=UserFactory(), session=session)
    extra = UserFactory()
    with pytest.raises(BookingError, match="Мест нет"):
        services.booking_add(admin=admin, user=extra, session=session)
    with pytest.raises(BookingError):
        services.booking_add(admin=admin, user=extra, session=session, over_capacity=True, note="")
    booking = services.booking_add(admin=admin, user=extra, session=session, over_capacity=True,
                                   note="Направление министерства")
    assert booking.status == S.APPROVED and booking.over_capacity
    assert "Направление министерства" in booking.events.get().note
    with pytest.raises(PermissionDenied):
        services.booking_add(admin=UserFactory(), user=UserFactory(), session=session)


def test_municipality_quota_keeps_seats_and_shares_the_rest():
    city, district = MunicipalityFactory(name="Кемерово"), MunicipalityFactory(name="Топкинский район")
    session = SessionFactory(capacity=3)
    SessionQuota.objects.create(session=session, municipality=district, seats=1)
    city_people = [UserFactory(library=LibraryFactory(municipality=city)) for _ in range(3)]
    results = [services.booking_request(user=u, session=session).status for u in city_people]
    assert results == [S.REQUESTED, S.REQUESTED, S.WAITLISTED]  # the third seat is kept for the district
    district_person = UserFactory(library=LibraryFactory(municipality=district))
    assert services.booking_request(user=district_person, session=session).status == S.REQUESTED
    # a second district person takes no city seat once the shared ones are gone
    assert services.booking_request(user=UserFactory(library=LibraryFactory(municipality=district)),
                                    session=session).status == S.WAITLISTED


def test_freed_quota_seat_goes_to_first_of_that_municipality(admin):
    city, district = MunicipalityFactory(name="Кемерово"), MunicipalityFactory(name="Топкинский район")
    session = SessionFactory(capacity=2)
    SessionQuota.objects.create(session=session, municipality=district, seats=1)
    services.booking_request(user=UserFactory(library=LibraryFactory(municipality=city)), session=session)
    district_holder = services.booking_request(user=UserFactory(library=LibraryFactory(municipality=district)),
                                               session=session)
    city_waiting = services.booking_request(user=UserFactory(library=LibraryFactory(municipality=city)),
                                            session=session)
    district_waiting = services.booking_request(user=UserFactory(library=LibraryFactory(municipality=district)),
                                                session=session)
    services.booking_cancel(actor=admin, booking=district_holder)
    city_waiting.refresh_from_db(), district_waiting.refresh_from_db()
    assert (city_waiting.status, district_waiting.status) == (S.WAITLISTED, S.OFFERED)


def test_interest_list_gets_offers_in_order_when_session_opens(admin):
    topic = TopicFactory()
    people = [UserFactory() for _ in range(3)]
    for person in people:
        services.interest_register(user=person, topic=topic)
    assert services.interest_register(user=people[0], topic=topic) == Interest.objects.filter(user=people[0]).get()
    session = SessionFactory(topic=topic, capacity=2, status=Session.Status.PLANNED)
    assert services.session_open(admin=admin, session=session) == 2
    bookings = {b.user_id: b for b in Booking.objects.filter(session=session)}
    assert [bookings[p.pk].status for p in people[:2]] == [S.OFFERED, S.OFFERED]
    assert people[2].pk not in bookings
    assert Interest.objects.filter(topic=topic, booking__isnull=True).get().user == people[2]


def test_session_change_raises_sequence_and_cancel_cancels_bookings(session, admin):
    booking = services.booking_add(admin=admin, user=UserFactory(), session=session)
    previous = {"start_date": session.start_date, "end_date": session.end_date, "day_starts": session.day_starts,
                "day_ends": session.day_ends, "room": session.room}
    Session.objects.filter(pk=session.pk).update(room="ауд. 101")
    services.session_changed(admin=admin, session=session, previous=previous)
    session.refresh_from_db()
    assert session.sequence == 1
    assert services.session_cancel(admin=admin, session=session, reason="ремонт") == 1
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED
    with pytest.raises(BookingError):
        services.session_cancel(admin=admin, session=session, reason="ещё раз")


def _held_session(**kwargs):
    start = timezone.localdate() - datetime.timedelta(days=2)
    return SessionFactory(start_date=start, end_date=start + datetime.timedelta(days=1),
                          booking_deadline=timezone.now() - datetime.timedelta(days=5),
                          status=Session.Status.CLOSED, **kwargs)


def test_attendance_evaluation_and_report_complete_once(admin, django_capture_on_commit_callbacks):
    mentor = UserFactory(role=Role.TRAINER)
    session = _held_session()
    session.mentors.add(mentor)
    booking = services.booking_add(admin=admin, user=UserFactory(), session=session)
    received = []
    internship_completed.connect(lambda sender, **kw: received.append(kw), weak=False, dispatch_uid="t")
    try:
        with pytest.raises(PermissionDenied):
            services.attendance_mark(actor=UserFactory(), booking=booking, day=session.start_date, mark="present")
        with pytest.raises(BookingError):
            services.attendance_mark(actor=mentor, booking=booking, day=session.end_date + datetime.timedelta(1),
                                     mark="present")
        for day in session.days:
            services.attendance_mark(actor=mentor, booking=booking, day=day, mark="present")
        booking.refresh_from_db()
        assert booking.status == S.ATTENDED
        services.booking_evaluate(actor=mentor, booking=booking, evaluation="passed", comment="Хорошо")
        booking.refresh_from_db()
        assert booking.status == S.ATTENDED  # the report is still missing
        with django_capture_on_commit_callbacks(execute=True):
            services.booking_report_upload(user=booking.user, booking=booking,
                                           upload=SimpleUploadedFile("отчёт.pdf", b"%PDF-1.4 report"))
        booking.refresh_from_db()
        assert booking.status == S.COMPLETED and booking.completed_at
        with pytest.raises(BookingError), django_capture_on_commit_callbacks(execute=True):
            services.booking_evaluate(actor=mentor, booking=booking, evaluation="passed")
    finally:
        internship_completed.disconnect(dispatch_uid="t")
    assert received == [{"booking_id": booking.pk, "user_id": booking.user_id, "topic_id": session.topic_id,
                         "signal": internship_completed}]


def test_too_little_attendance_does_not_complete(admin):
    session = _held_session(topic=TopicFactory(min_attendance_percent=100, report_required=False))
    booking = services.booking_add(admin=admin, user=UserFactory(), session=session)
    services.attendance_mark(actor=admin, booking=booking, day=session.days[0], mark="present")
    services.attendance_mark(actor=admin, booking=booking, day=session.days[1], mark="partial")
    services.booking_evaluate(actor=admin, booking=booking, evaluation="passed")
    booking.refresh_from_db()
    assert booking.status == S.ATTENDED
    services.attendance_mark(actor=admin, booking=booking, day=session.days[1], mark="present")
    booking.refresh_from_db()
    assert booking.status == S.COMPLETED


def test_absent_every_day_is_a_no_show_and_can_be_corrected(admin):
    session = _held_session()
    booking = services.booking_add(admin=admin, user=UserFactory(), session=session)
    for day in session.days:
        services.attendance_mark(actor=admin, booking=booking, day=day, mark="absent")
    booking.refresh_from_db()
    assert booking.status == S.NO_SHOW
    services.attendance_mark(actor=admin, booking=booking, day=session.days[0], mark="present")
    booking.refresh_from_db()
    assert booking.status == S.ATTENDED
    assert Attendance.objects.filter(booking=booking).count() == 2


def test_notices_are_sent_once_per_event(session, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_request(user=UserFactory(), session=session)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_approve(admin=admin, booking=booking)
    assert [m.to for m in mail.outbox if m.to != [booking.user.email]] == [[admin.email]]  # the request waited
    mail.outbox[:] = [m for m in mail.outbox if m.to == [booking.user.email]]
    assert len(mail.outbox) == 2
    received, approved = mail.outbox
    assert not received.attachments
    assert approved.attachments[0][2].startswith("text/calendar")
    content = approved.attachments[0][1]
    assert "METHOD:REQUEST" in (content.decode() if isinstance(content, bytes) else content)
    from lms.internships.notifications import booking_notice_send
    key = booking.notices.get(kind="approved").key
    assert booking_notice_send(booking_id=booking.pk, kind="approved", key=key) is False
