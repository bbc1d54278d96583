"""The session's admin screens for kept seats: the release time (validated), the release shown on the roster in
Kemerovo time, and «Предложить квоты», which fills the quota rows of the edit form and saves nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.accounts.roles import Role
from lms.internships.models import Requirement, Session, SessionQuota
from tests.factories import LibraryFactory, MunicipalityFactory, UserFactory
from tests.factories.internships import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    user = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(user)
    return user


@pytest.fixture
def owing():
    Requirement.objects.create(title="Стажировка участников Э(В)БК", evbk_only=True,
                               due_date=timezone.localdate() + datetime.timedelta(days=90))
    made = {}
    for name, count in (("Юргинский муниципальный округ", 5), ("Топкинский муниципальный округ", 3),
                        ("Тисульский муниципальный округ", 2)):
        made[name] = MunicipalityFactory(name=name)
        library = LibraryFactory(municipality=made[name], evbk_participant=True)
        for _ in range(count):
            UserFactory(library=library)
    return made


def form_data(session, quotas=(), **changes):
    data = {
        "topic": session.topic_id, "start_date": session.start_date.isoformat(),
        "end_date": session.end_date.isoformat(), "day_starts": "09:00", "day_ends": "17:00", "room": session.room,
        "capacity": session.capacity, "confirm_hours": 48, "quota_release_at": "",
        "booking_deadline": timezone.localtime(session.booking_deadline).strftime("%Y-%m-%d %H:%M"),
        "quotas-TOTAL_FORMS": len(quotas), "quotas-INITIAL_FORMS": len(quotas), "quotas-MIN_NUM_FORMS": 0,
        "quotas-MAX_NUM_FORMS": 1000,
    }
    for index, quota in enumerate(quotas):
        data.update({f"quotas-{index}-id": quota.pk, f"quotas-{index}-municipality": quota.municipality_id,
                     f"quotas-{index}-seats": quota.seats})
    data.update(changes)
    return data


def edit(client, session, data):
    return client.post(reverse("internship_sessions:edit", args=[session.pk]), data)


def test_proposal_fills_the_quota_rows_explains_the_figures_and_saves_nothing(client, admin, owing):
    session = SessionFactory(capacity=10)
    kemerovo = SessionQuota.objects.create(session=session, municipality=MunicipalityFactory(name="Кемерово"), seats=2)
    topki = SessionQuota.objects.create(session=session, municipality=owing["Топкинский муниципальный округ"],
                                        seats=3)
    page = client.get(reverse("internship_sessions:edit", args=[session.pk])).content.decode()
    # the seats kept now are the starting figure
    assert "Предложить квоты" in page and 'name="quota_proposal_seats" value="5"' in page

    response = edit(client, session, form_data(session, [kemerovo, topki], room="ауд. 101",
                                               quota_proposal_seats="4", propose_quotas="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Предложено 4 места — по доле сотрудников, которым ещё нужна стажировка." in page
    assert "Юргинский муниципальный округ: 5 из 10 должников — 2 места" in page
    assert "Тисульский муниципальный округ: 2 из 10 должников — 1 место" in page
    assert "При сохранении будут удалены квоты: Кемерово." in page
    assert 'value="ауд. 101"' in page  # what the administrator typed stays in the form
    # nothing is saved
    session.refresh_from_db()
    assert session.room == "ауд. 305"
    assert sorted(SessionQuota.objects.filter(session=session).values_list("municipality__name", "seats")) == [
        ("Кемерово", 2), ("Топкинский муниципальный округ", 3)]

    # the rows the page shows are the proposal; saving them is the administrator's ordinary «Сохранить»
    data = response.context["form"].data.copy()
    del data["propose_quotas"]
    assert data["quotas-0-DELETE"] == "1" and data["quotas-1-seats"] == "1"
    assert edit(client, session, data).status_code == 302
    assert sorted(SessionQuota.objects.filter(session=session).values_list("municipality__name", "seats")) == [
        ("Тисульский муниципальный округ", 1), ("Топкинский муниципальный округ", 1),
        ("Юргинский муниципальный округ", 2)]
    session.refresh_from_db()
    assert session.room == "ауд. 101"


def test_a_bad_number_of_seats_is_refused_in_russian_and_nothing_changes(client, admin, owing):
    session = SessionFactory(capacity=10)
    response = edit(client, session, form_data(session, quota_proposal_seats="12", propose_quotas="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Укажите, сколько мест отложить для муниципалитетов: целое число от 1 до 10 (мест на сессии)." in page
    assert response.context["form"].data["quotas-TOTAL_FORMS"] == "0"
    assert not SessionQuota.objects.filter(session=session).exists()


def test_the_release_time_is_saved_and_refused_after_the_start_in_russian(client, admin):
    session = SessionFactory()
    late = timezone.localtime(session.starts_at + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    response = edit(client, session, form_data(session, quota_release_at=late))
    assert response.status_code == 200
    assert "Места по квотам должны перейти в общую очередь не позже начала стажировки" in response.content.decode()
    session.refresh_from_db()
    assert session.quota_release_at is None
    release = timezone.localtime(session.booking_deadline - datetime.timedelta(days=2)).replace(hour=12, minute=0)
    assert edit(client, session, form_data(session, quota_release_at=release.strftime("%Y-%m-%d %H:%M"))
                ).status_code == 302
    session.refresh_from_db()
    assert session.quota_release_at == release


def test_the_roster_shows_when_kept_seats_go_and_went_to_the_queue_in_kemerovo_time(client, admin):
    session = SessionFactory()
    SessionQuota.objects.create(session=session, municipality=MunicipalityFactory(name="Тисульский округ"), seats=2)
    url = reverse("internships_admin_roster", args=[session.pk])
    page = client.get(url).content.decode()
    deadline = timezone.localtime(session.booking_deadline)
    assert "Места по квотам, которые никто не займёт, перейдут в общую очередь" in page
    assert f" г. в {deadline:%H:%M}." in page and "Тисульский округ — 2" in page
    released = datetime.datetime(2026, 3, 12, 11, 0, tzinfo=datetime.UTC)  # 18:00 in Kemerovo
    Session.objects.filter(pk=session.pk).update(quotas_released_at=released, quotas_released_seats=2)
    page = client.get(url).content.decode()
    assert "Незанятые места по квотам переданы в общую очередь 12 марта 2026 г. в 18:00 (2 места)." in page
    edit_page = client.get(reverse("internship_sessions:edit", args=[session.pk])).content.decode()
    assert "переданы в общую очередь 12 марта 2026 г. в 18:00" in edit_page
    public = client.get(reverse("internships:session", args=[session.pk])).content.decode()
    assert "Тисульский округ" not in public  # no seat is kept any longer


def test_the_proposal_page_does_a_fixed_number_of_queries(client, admin, owing):
    session = SessionFactory(capacity=10)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = edit(client, session, form_data(session, quota_proposal_seats="3", propose_quotas="1"))
            assert response.status_code == 200 and "должников" in response.content.decode()
        return len(ctx.captured_queries)

    count()
    small = count()
    for name in ("Яйский муниципальный округ", "Ижморский муниципальный округ"):
        library = LibraryFactory(municipality=MunicipalityFactory(name=name), evbk_participant=True)
        for _ in range(4):
            UserFactory(library=library)
    count()
    assert count() == small
