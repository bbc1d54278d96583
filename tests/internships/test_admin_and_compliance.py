import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.accounts.roles import Role
from lms.internships import compliance, services
from lms.internships.models import Booking, Requirement, Session
from tests.factories import LibraryFactory, MunicipalityFactory, UserFactory
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db
S = Booking.Status


@pytest.fixture
def admin():
    return UserFactory(role=Role.ADMINISTRATOR)


def test_admin_screens_open_for_administrators_only(client, admin):
    session = SessionFactory()
    services.booking_request(user=UserFactory(), session=session)
    urls = [reverse("internships_admin_requests"), reverse("internships_admin_calendar"),
            reverse("internships_admin_roster", args=[session.pk]), reverse("internship_sessions:index"),
            reverse("internship_sessions:edit", args=[session.pk]), reverse("internship_topics:add"),
            reverse("internship_requirements:add"), reverse("certificates_compliance_report")]
    client.force_login(admin)
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.force_login(UserFactory(role=Role.TRAINER))
    for url in urls[:3]:
        assert client.get(url).status_code in (302, 403), url


def test_admin_approves_rejects_and_adds_from_the_roster(client, admin):
    session = SessionFactory(capacity=1)
    first = services.booking_request(user=UserFactory(), session=session)
    second = services.booking_request(user=UserFactory(), session=session)
    client.force_login(admin)
    client.post(reverse("internships_admin_decide", args=[first.pk]), {"decision": "reject", "reason": ""})
    first.refresh_from_db()
    assert first.status == S.REQUESTED  # no reason, no rejection
    client.post(reverse("internships_admin_decide", args=[first.pk]), {"decision": "reject", "reason": "Не ЭВБК"})
    second.refresh_from_db()
    assert second.status == S.OFFERED
    extra = UserFactory(email="extra@example.org")
    client.post(reverse("internships_admin_add_person", args=[session.pk]), {"email": "EXTRA@example.org"})
    assert not Booking.objects.filter(user=extra).exists()  # full
    client.post(reverse("internships_admin_add_person", args=[session.pk]),
                {"email": "extra@example.org", "over_capacity": "1", "note": "по письму"})
    assert Booking.objects.get(user=extra).over_capacity
    roster = client.get(reverse("internships_admin_roster", args=[session.pk])).content.decode()
    assert "по письму" in roster and "Не ЭВБК" in roster


def test_session_edit_in_admin_raises_the_calendar_sequence(client, admin):
    session = SessionFactory()
    client.force_login(admin)
    page = client.get(reverse("internship_sessions:edit", args=[session.pk]))
    assert page.status_code == 200
    data = {
        "topic": session.topic_id, "start_date": session.start_date.isoformat(),
        "end_date": session.end_date.isoformat(), "day_starts": "10:00", "day_ends": "17:00",
        "room": "ауд. 101", "capacity": 12, "booking_deadline": timezone.localtime(session.booking_deadline)
        .strftime("%Y-%m-%d %H:%M"), "confirm_hours": 48,
        "quotas-TOTAL_FORMS": 0, "quotas-INITIAL_FORMS": 0, "quotas-MIN_NUM_FORMS": 0, "quotas-MAX_NUM_FORMS": 1000,
    }
    response = client.post(reverse("internship_sessions:edit", args=[session.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    session.refresh_from_db()
    assert (session.room, session.sequence) == ("ауд. 101", 1)


def test_mentor_marks_attendance_in_the_roster(client, admin):
    mentor = UserFactory(role=Role.TRAINER)
    start = timezone.localdate() - datetime.timedelta(days=1)
    session = SessionFactory(start_date=start, end_date=start + datetime.timedelta(days=1),
                             status=Session.Status.CLOSED, topic=TopicFactory(report_required=False))
    session.mentors.add(mentor)
    booking = services.booking_add(admin=admin, user=UserFactory(), session=session)
    client.force_login(mentor)
    assert client.get(reverse("internships_admin_roster", args=[session.pk])).status_code == 200
    client.post(reverse("internships_admin_attendance", args=[booking.pk]),
                {f"day-{start.isoformat()}": "present", "evaluation": "passed"})
    booking.refresh_from_db()
    assert booking.attendance.count() == 1 and booking.evaluation == "passed"
    assert booking.status == S.APPROVED  # the second day is still to come
    other = SessionFactory()
    # Another session's roster is not this mentor's (Wagtail answers a refusal with a redirect to the dashboard).
    assert client.get(reverse("internships_admin_roster", args=[other.pk])).status_code in (302, 403)
    other_start = timezone.localdate() - datetime.timedelta(days=1)
    other = SessionFactory(start_date=other_start, end_date=other_start, status=Session.Status.CLOSED)
    stranger = services.booking_add(admin=admin, user=UserFactory(), session=other)
    client.post(reverse("internships_admin_attendance", args=[stranger.pk]),
                {f"day-{other_start.isoformat()}": "present"})
    assert not stranger.attendance.exists()


def _world():
    city = MunicipalityFactory(name="Новокузнецк")
    district = MunicipalityFactory(name="Топкинский муниципальный округ")
    evbk_city = LibraryFactory(municipality=city, evbk_participant=True, short_name="ЦБС Новокузнецка")
    branch = LibraryFactory(municipality=city, parent=evbk_city, kind="branch", short_name="Филиал № 5")
    evbk_district = LibraryFactory(municipality=district, evbk_participant=True, short_name="Топкинская ЦБС")
    outsider = LibraryFactory(municipality=district, evbk_participant=False, short_name="Не участник")
    return city, district, evbk_city, branch, evbk_district, outsider


def test_compliance_statuses_groups_and_scope(admin):
    city, district, evbk_city, branch, evbk_district, outsider = _world()
    topic = TopicFactory(report_required=False, min_attendance_percent=0)
    Requirement.objects.create(title="Все сотрудники Э(В)БК", evbk_only=True,
                               due_date=timezone.localdate() + datetime.timedelta(days=60))
    done, booked, queued, idle = (UserFactory(library=evbk_city) for _ in range(4))
    branch_person = UserFactory(library=branch)
    district_person = UserFactory(library=evbk_district)
    UserFactory(library=outsider)  # not covered
    session = SessionFactory(topic=topic, capacity=2)
    services.booking_request(user=booked, session=session)
    services.booking_request(user=branch_person, session=session)
    services.booking_request(user=queued, session=session)
    Booking.objects.create(user=done, session=SessionFactory(topic=topic), topic=topic, status=S.COMPLETED)

    picture = compliance.compliance_picture(viewer=admin)
    status = {p.user.pk: p.status for p in picture.people}
    assert status == {done.pk: "done", booked.pk: "booked", queued.pk: "queued", idle.pk: "not_booked",
                      branch_person.pk: "booked", district_person.pk: "not_booked"}
    groups = {g.name: g for g in picture.municipalities}
    assert groups["Новокузнецк"].total == 5 and groups["Новокузнецк"].counts["done"] == 1
    libraries = {g.name: g for g in picture.libraries}
    assert libraries["ЦБС Новокузнецка"].total == 5  # the branch counts with its system

    # A library head sees only own library.
    head = UserFactory(role=Role.LIBRARY_HEAD, library=evbk_district)
    head_picture = compliance.compliance_picture(viewer=head)
    assert {p.user.pk for p in head_picture.people} == {district_person.pk, head.pk}


def test_overdue_and_months_after_joining():
    _city, _district, evbk_city, *_rest = _world()
    admin = UserFactory(role=Role.ADMINISTRATOR, library=None)
    requirement = Requirement.objects.create(title="В течение 6 месяцев", evbk_only=True, due_months=6)
    Requirement.objects.filter(pk=requirement.pk).update(created_at=timezone.now() - datetime.timedelta(days=800))
    old = UserFactory(library=evbk_city, date_joined=timezone.now() - datetime.timedelta(days=400))
    new = UserFactory(library=evbk_city, date_joined=timezone.now() - datetime.timedelta(days=10))
    picture = compliance.compliance_picture(viewer=admin)
    status = {p.user.pk: (p.status, p.due) for p in picture.people}
    assert status[old.pk][0] == "overdue"
    assert status[new.pk][0] == "not_booked"
    assert status[new.pk][1] == compliance.add_months(timezone.localdate(new.date_joined), 6)
    assert picture.municipalities[0].rag == "red"


# The report page, its exports and their query counts: tests/certificates/test_compliance.py (the report of
# every requirement; the old address redirects there).


def test_sessions_with_bookings_and_topics_with_sessions_are_not_deleted(client, admin):
    session = SessionFactory()
    services.booking_request(user=UserFactory(), session=session)
    empty = SessionFactory()
    client.force_login(admin)
    response = client.post(reverse("internship_sessions:delete", args=[session.pk]), follow=True)
    assert Session.objects.filter(pk=session.pk).exists()
    assert "отмените" in response.content.decode() or "cancel it instead" in response.content.decode()
    client.post(reverse("internship_topics:delete", args=[session.topic_id]))
    assert Session.objects.filter(pk=session.pk).exists()
    client.post(reverse("internship_sessions:delete", args=[empty.pk]))
    assert not Session.objects.filter(pk=empty.pk).exists()


def test_mentor_sees_own_sessions_in_the_admin_menu(client):
    mentor = UserFactory(role=Role.TRAINER)
    topic = TopicFactory()
    topic.mentors.add(mentor)
    by_topic = SessionFactory(topic=topic)
    named = SessionFactory()
    named.mentors.add(mentor)
    other_mentor = SessionFactory(topic=topic)
    other_mentor.mentors.add(UserFactory(role=Role.TRAINER))
    client.force_login(mentor)
    page = client.get(reverse("internships_admin_mentoring")).content.decode()
    for session in (by_topic, named):
        assert reverse("internships_admin_roster", args=[session.pk]) in page
    assert reverse("internships_admin_roster", args=[other_mentor.pk]) not in page
    assert reverse("internships_admin_mentoring") in client.get("/admin/").content.decode()
    client.force_login(UserFactory(role=Role.TRAINER))
    assert client.get(reverse("internships_admin_mentoring")).status_code in (302, 403)


def test_an_attendance_row_is_saved_whole_or_not_at_all(client, admin):
    start = timezone.localdate() - datetime.timedelta(days=1)
    session = SessionFactory(start_date=start, end_date=start + datetime.timedelta(days=2),
                             status=Session.Status.CLOSED)
    booking = services.booking_add(admin=admin, user=UserFactory(), session=session)
    client.force_login(admin)
    # The last day has not come: the whole row is refused, the first day's mark and the evaluation included.
    client.post(reverse("internships_admin_attendance", args=[booking.pk]), {
        f"day-{start.isoformat()}": "present",
        f"day-{(start + datetime.timedelta(days=2)).isoformat()}": "present",
        "evaluation": "passed"})
    booking.refresh_from_db()
    assert not booking.attendance.exists() and booking.evaluation == ""


def test_a_persons_standing_follows_requirement_changes_at_once():
    _city, _district, evbk_city, _branch, _evbk_district, outsider = _world()
    anna, boris = UserFactory(library=outsider), UserFactory(library=evbk_city)
    topic, other_topic = TopicFactory(), TopicFactory()
    assert compliance.person_standing(anna) is None and compliance.person_standing(boris) is None
    requirement = Requirement.objects.create(title="Названные сотрудники", evbk_only=False,
                                             due_date=timezone.localdate() + datetime.timedelta(days=30))
    requirement.people.add(anna)
    assert compliance.person_standing(anna).status == "not_booked"  # the requirements are kept from here on
    assert compliance.person_standing(boris) is None
    Booking.objects.create(user=anna, session=SessionFactory(topic=topic), topic=topic, status=S.COMPLETED)
    assert compliance.person_standing(anna).status == "done"
    requirement.topics.add(other_topic)  # now only the other topic counts
    assert compliance.person_standing(anna).status == "not_booked"
    requirement.people.remove(anna)  # nobody named: it covers all staff, Boris too
    assert compliance.person_standing(boris).status == "not_booked"
    requirement.is_active = False
    requirement.save()
    assert compliance.person_standing(anna) is None and compliance.person_standing(boris) is None
