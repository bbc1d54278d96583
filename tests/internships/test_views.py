import datetime

import icalendar
import pytest
import vobject
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.accounts.roles import Role
from lms.internships import services
from lms.internships.models import Booking, CalendarFeed, Session
from tests.factories import LibraryFactory, UserFactory
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db
S = Booking.Status


def parse_both(data: bytes):
    """Parse with two independent parsers; return the icalendar calendar."""
    calendar = icalendar.Calendar.from_ical(data)
    vcal = vobject.readOne(data.decode("utf-8"))
    assert len(list(calendar.walk("VEVENT"))) == len(getattr(vcal, "vevent_list", []))
    return calendar, vcal


def test_anonymous_sees_topics_and_sessions_but_must_log_in_to_request(client):
    session = SessionFactory(topic__title="Электронный архив местной периодики")
    page = client.get(reverse("internships:topics"))
    assert page.status_code == 200
    assert "Электронный архив местной периодики" in page.content.decode()
    detail = client.get(reverse("internships:session", args=[session.pk]))
    assert "Войдите" in detail.content.decode() or "Log in" in detail.content.decode()
    response = client.post(reverse("internships:request", args=[session.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Booking.objects.exists()


def test_learner_requests_and_sees_the_booking(client):
    learner = UserFactory()
    session = SessionFactory()
    client.force_login(learner)
    response = client.post(reverse("internships:request", args=[session.pk]), follow=True)
    booking = Booking.objects.get()
    assert booking.user == learner and booking.status == S.REQUESTED
    assert "Ожидает одобрения" in response.content.decode() or "Awaiting approval" in response.content.decode()


def test_nobody_touches_another_persons_booking(client):
    booking = services.booking_request(user=UserFactory(), session=SessionFactory())
    client.force_login(UserFactory())
    for name in ("cancel", "confirm", "report"):
        assert client.post(reverse(f"internships:{name}", args=[booking.pk])).status_code == 404
    assert client.get(reverse("internships:ics", args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == S.REQUESTED


def test_learner_cannot_nominate_and_head_only_own_staff(client):
    library = LibraryFactory()
    head = UserFactory(role=Role.LIBRARY_HEAD, library=library)
    own, stranger = UserFactory(library=library), UserFactory()
    session = SessionFactory()
    client.force_login(UserFactory())
    assert client.post(reverse("internships:nominate", args=[session.pk]), {"user": own.pk}).status_code == 403
    client.force_login(head)
    page = client.get(reverse("internships:session", args=[session.pk])).content.decode()
    assert f'value="{own.pk}"' in page and f'value="{stranger.pk}"' not in page
    assert client.post(reverse("internships:nominate", args=[session.pk]), {"user": stranger.pk}).status_code == 403
    client.post(reverse("internships:nominate", args=[session.pk]), {"user": own.pk})
    assert Booking.objects.get().user == own
    staff_page = client.get(reverse("internships:staff_requests")).content.decode()
    assert own.last_name in staff_page


def test_the_head_is_offered_only_staff_without_a_booking_and_told_about_them_in_the_third_person(client):
    library = LibraryFactory()
    head = UserFactory(role=Role.LIBRARY_HEAD, library=library)
    booked = UserFactory(library=library, last_name="Зайцева", first_name="Ольга", patronymic="Ивановна")
    free = UserFactory(library=library)
    session = SessionFactory()
    services.booking_request(user=booked, session=session)
    client.force_login(head)
    page = client.get(reverse("internships:session", args=[session.pk])).content.decode()
    assert f'value="{free.pk}"' in page and f'value="{booked.pk}"' not in page
    response = client.post(reverse("internships:nominate", args=[session.pk]), {"user": booked.pk}, follow=True)
    text = response.content.decode()
    assert "У сотрудника Зайцева Ольга Ивановна уже есть заявка на эту тему." in text
    assert "У вас уже есть заявка" not in text


def test_invitation_ics_parses_and_updates_with_same_uid_and_higher_sequence(client):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    learner = UserFactory()
    session = SessionFactory(start_date=timezone.localdate() + datetime.timedelta(days=20))
    booking = services.booking_add(admin=admin, user=learner, session=session)
    client.force_login(learner)
    first = client.get(reverse("internships:ics", args=[booking.pk]))
    assert first["Content-Type"].startswith("text/calendar")
    calendar, vcal = parse_both(first.content)
    assert str(calendar["METHOD"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    uid, sequence = str(event["UID"]), int(event["SEQUENCE"])
    assert str(event["RRULE"].to_ical().decode()) == "FREQ=DAILY;COUNT=2"
    assert vcal.vevent.uid.value == uid
    assert event["DTSTART"].dt == session.starts_at

    previous = {"start_date": session.start_date, "end_date": session.end_date, "day_starts": session.day_starts,
                "day_ends": session.day_ends, "room": session.room}
    Session.objects.filter(pk=session.pk).update(start_date=session.start_date + datetime.timedelta(days=1),
                                                 end_date=session.end_date + datetime.timedelta(days=1))
    services.session_changed(admin=admin, session=session, previous=previous)
    updated, _v = parse_both(client.get(reverse("internships:ics", args=[booking.pk])).content)
    event2 = updated.walk("VEVENT")[0]
    assert str(event2["UID"]) == uid and int(event2["SEQUENCE"]) == sequence + 1
    assert event2["DTSTART"].dt.date() == session.start_date + datetime.timedelta(days=1) or \
        event2["DTSTART"].dt.astimezone(timezone.get_current_timezone()).date() == \
        session.start_date + datetime.timedelta(days=1)

    services.session_cancel(admin=admin, session=session, reason="ремонт зала")
    cancelled, vcal3 = parse_both(client.get(reverse("internships:ics", args=[booking.pk])).content)
    event3 = cancelled.walk("VEVENT")[0]
    assert str(cancelled["METHOD"]) == "CANCEL" and str(event3["STATUS"]) == "CANCELLED"
    assert str(event3["UID"]) == uid and int(event3["SEQUENCE"]) > sequence + 1
    assert vcal3.vevent.status.value == "CANCELLED"


def test_personal_feed_needs_its_secret_and_public_feed_lists_open_sessions(client):
    learner = UserFactory()
    booking = services.booking_request(user=learner, session=SessionFactory(topic__title="Сводный каталог"))
    SessionFactory(status=Session.Status.PLANNED, topic__title="Ещё не открыта")
    client.force_login(learner)
    page = client.get(reverse("internships:my")).content.decode()
    token = CalendarFeed.objects.get(user=learner).token
    assert token in page
    client.logout()
    assert client.get(f"/internships/feed/{'x' * 32}.ics").status_code == 404
    feed, vcal = parse_both(client.get(f"/internships/feed/{token}.ics").content)
    events = feed.walk("VEVENT")
    assert [str(e["STATUS"]) for e in events] == ["TENTATIVE"]
    assert "Сводный каталог" in str(events[0]["SUMMARY"])
    public, _v = parse_both(client.get(reverse("internships:public_feed")).content)
    summaries = [str(e["SUMMARY"]) for e in public.walk("VEVENT")]
    assert any("Сводный каталог" in s for s in summaries) and not any("Ещё не открыта" in s for s in summaries)
    assert str(public["METHOD"]) == "PUBLISH"
    # renewing the address retires the old one
    client.force_login(learner)
    client.post(reverse("internships:feed_renew"))
    assert client.get(f"/internships/feed/{token}.ics").status_code == 404
    assert booking.pk


def test_report_upload_checks_the_file_and_download_is_private(client):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    learner = UserFactory()
    start = timezone.localdate() - datetime.timedelta(days=1)
    session = SessionFactory(start_date=start, end_date=start, status=Session.Status.CLOSED,
                             booking_deadline=timezone.now() - datetime.timedelta(days=3))
    booking = services.booking_add(admin=admin, user=learner, session=session)
    client.force_login(learner)
    bad = client.post(reverse("internships:report", args=[booking.pk]),
                      {"report": SimpleUploadedFile("virus.exe", b"MZ")}, follow=True)
    assert "PDF" in bad.content.decode()
    booking.refresh_from_db()
    assert not booking.report
    client.post(reverse("internships:report", args=[booking.pk]),
                {"report": SimpleUploadedFile("отчёт.pdf", b"%PDF-1.4 my report")})
    booking.refresh_from_db()
    assert booking.report
    assert client.get(reverse("internships:report_download", args=[booking.pk])).status_code == 200
    client.force_login(UserFactory())
    assert client.get(reverse("internships:report_download", args=[booking.pk])).status_code == 404
    client.force_login(admin)
    assert client.get(reverse("internships:report_download", args=[booking.pk])).status_code == 200


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_topic_list_and_my_bookings_do_not_grow_with_data(client):
    learner = UserFactory()
    client.force_login(learner)

    made = []

    def grow(n):
        for _ in range(n):
            made.append(1)
            session = SessionFactory(topic=TopicFactory(),
                                     start_date=timezone.localdate() + datetime.timedelta(days=10 + 3 * len(made)))
            services.booking_request(user=learner, session=session)
            services.booking_request(user=UserFactory(), session=session)

    def measure():
        # New topics and sessions start a new content generation: the first view builds the shared parts again.
        _queries(client, reverse("internships:topics")), _queries(client, reverse("internships:my"))
        return _queries(client, reverse("internships:topics")), _queries(client, reverse("internships:my"))

    grow(1)
    small = measure()
    grow(5)
    large = measure()
    assert small == large


def test_list_and_session_page_show_a_changed_session_at_once_and_only_ones_own_bookings(client):
    """Topics and sessions are kept in the shared content cache; an edit of a session must be seen at once, and the
    seats and bookings, which are never kept there, are each person's own."""
    admin = UserFactory(role=Role.ADMINISTRATOR)
    booker, other = UserFactory(), UserFactory()
    start = timezone.localdate() + datetime.timedelta(days=20)
    session = SessionFactory(start_date=start, end_date=start + datetime.timedelta(days=1), room="Зал 1",
                             capacity=5, status=Session.Status.OPEN)
    list_url, detail_url = reverse("internships:topics"), reverse("internships:session", args=[session.pk])
    client.force_login(other)
    assert "Зал 1" in client.get(detail_url).content.decode()  # both pages are now in the cache
    before = client.get(list_url).content.decode()
    assert "5 из 5" in before or "5 of 5" in before

    services.booking_request(user=booker, session=session)
    client.force_login(booker)
    mine = client.get(list_url).content.decode()
    assert "<strong>" in mine and ("4 из 5" in mine or "4 of 5" in mine)
    assert "Log in" not in client.get(detail_url).content.decode()
    assert "internships/my/" in client.get(detail_url).content.decode().split("callout", 1)[-1]

    client.force_login(other)
    theirs = client.get(list_url).content.decode()
    assert "<strong>" not in theirs.split("<tbody>", 1)[1] and ("4 из 5" in theirs or "4 of 5" in theirs)
    assert 'class="callout"' not in client.get(detail_url).content.decode()

    previous = {name: getattr(session, name) for name in ("start_date", "end_date", "day_starts", "day_ends", "room")}
    moved = start + datetime.timedelta(days=7)
    session.start_date, session.end_date, session.room = moved, moved, "Зал 2"
    session.save()
    services.session_changed(admin=admin, session=session, previous=previous)
    mentor = UserFactory(role=Role.TRAINER, last_name="Наставникова")
    session.mentors.add(mentor)

    page = client.get(list_url).content.decode()
    assert f"{moved.day} " in page.split(f'href="{detail_url}">', 1)[1].split("<", 1)[0]
    detail = client.get(detail_url).content.decode()
    assert "Зал 2" in detail and "Зал 1" not in detail and "Наставникова" in detail


def test_session_page_does_not_grow_with_data(client):
    client.force_login(UserFactory())
    session = SessionFactory(start_date=timezone.localdate() + datetime.timedelta(days=10))
    url = reverse("internships:session", args=[session.pk])
    _queries(client, url)  # warm caches
    small = _queries(client, url)
    for _ in range(4):
        session.mentors.add(UserFactory(role=Role.TRAINER))
        services.booking_request(user=UserFactory(), session=session)
    _queries(client, url)
    assert _queries(client, url) == small


def test_the_kept_list_is_filled_with_each_persons_seats_queue_status_and_interest_form(client):
    """The list's markup is kept once for everyone (lms/internships/views.py, `_topic_list_markup`); what is filled in
    per request must be the person's own and the live figures, and no hole may be left unfilled."""
    start = timezone.localdate() + datetime.timedelta(days=20)
    full = SessionFactory(topic__title="Краеведческие фонды", start_date=start,
                          end_date=start + datetime.timedelta(days=1), capacity=1, status=Session.Status.OPEN)
    other_topic = TopicFactory(title="Работа с детской аудиторией")
    services.booking_request(user=UserFactory(), session=full)  # takes the only seat
    queued = [services.booking_request(user=UserFactory(), session=full) for _ in range(2)]
    assert {b.status for b in queued} == {S.WAITLISTED}
    learner = UserFactory()
    services.interest_register(user=learner, topic=other_topic)
    url = reverse("internships:topics")

    anonymous = client.get(url).content.decode()
    assert "__hole_" not in anonymous and 'class="inline-form"' not in anonymous
    assert "нет (2 в очереди)" in anonymous

    client.force_login(learner)
    response = client.get(url)
    page = response.content.decode()
    assert "__hole_" not in page
    assert "нет (2 в очереди)" in page
    # One interest form per topic, with the person's token: the topic the learner asked about offers to take them
    # off the list, the other one to tell them.
    forms = {topic.pk: page.split(f'action="{reverse("internships:interest", args=[topic.pk])}"', 1)[1]
             .split("</form>", 1)[0] for topic in (full.topic, other_topic)}
    assert 'name="withdraw"' in forms[other_topic.pk] and 'name="withdraw"' not in forms[full.topic.pk]
    token = forms[other_topic.pk].split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert len(token) == 64
    client.handler.enforce_csrf_checks = True  # the token filled in must be one the site accepts
    assert client.post(reverse("internships:interest", args=[other_topic.pk]),
                       {"csrfmiddlewaretoken": token, "withdraw": "1"}).status_code == 302

    client.force_login(queued[0].user)
    theirs = client.get(url).content.decode()
    assert "<strong>" in theirs.split("<tbody>", 1)[1]  # their own place in the queue
    assert "withdraw" not in theirs
