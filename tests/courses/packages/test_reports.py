"""The trainers' reports on SCORM lessons (courses/packages/reports.py, admin_views.py) through HTTP: one row per
learner of the course with the right status, score, time and attempts; filters; CSV and XLSX with the same columns;
one learner's attempts with SCO states and interactions in Russian; who may see them; fixed query counts at two
sizes; the report's buttons in the page tree and on the lesson's edit screen."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Enrolment
from courses.packages.reports import correct_responses_text, duration_text, interaction_time, sco_score_text
from lms.accounts.roles import Role
from tests.factories import LibraryFactory, UserFactory
from tests.factories import courses as pages
from tests.factories import scorm

pytestmark = pytest.mark.django_db
KEMEROVO = ZoneInfo("Asia/Novokuznetsk")
SCOS = [{"identifier": "INTRO", "title": "Введение", "launch": "intro/index.html"},
        {"identifier": "TEST", "title": "Проверка знаний", "launch": "test/index.html"}]
HEADINGS = ["Слушатель", "E-mail", "Должность", "Библиотека", "Муниципальное образование", "Состояние",
            "Результат", "Лучший результат, %", "Попыток", "Затраченное время", "Затраченное время, мин",
            "Последняя активность"]


def report_url(lesson, suffix: str = "") -> str:
    return reverse("courses_scorm_lesson_report", args=[lesson.pk]) + suffix


def detail_url(lesson, user) -> str:
    return reverse("courses_scorm_learner_report", args=[lesson.pk, user.pk])


@pytest.fixture
def course(db):
    return pages.course(title="Работа с читателями")


@pytest.fixture
def lesson(course):
    package = scorm.package(scos=SCOS, title="Работа с читателями (iSpring)")
    return scorm.scorm_lesson(course, package_row=package, title="Интерактивный модуль", completion_mode="score",
                              pass_score=70)


@pytest.fixture
def trainer(course):
    user = UserFactory(role=Role.TRAINER, last_name="Тренерова")
    services.course_trainer_add(course=course, user=user)
    return user


@pytest.fixture
def other_trainer(db):
    user = UserFactory(role=Role.TRAINER, last_name="Чужая")
    services.course_trainer_add(course=pages.course(title="Другой курс"), user=user)
    return user


def enrol(course, last_name: str, **fields):
    person = UserFactory(last_name=last_name, **fields)
    services.enrolment_self(user=person, course=course)
    return person


def attempt_with_answers(lesson, person, *, number: int = 1, answers: int = 3, **fields):
    """An attempt with both SCOs' states; the test SCO holds ``answers`` interactions (the first one wrong)."""
    fields.setdefault("completion_status", "incomplete")
    row = scorm.attempt(user=person, lesson=lesson, number=number, **fields)
    scorm.sco_state(row, sco="INTRO", completion_status="completed", total_seconds=Decimal(300), location="page-4")
    test = scorm.sco_state(row, sco="TEST", completion_status="incomplete", score_raw=Decimal(8),
                           score_min=Decimal(0), score_max=Decimal(10), total_seconds=Decimal(600))
    for index in range(answers):
        scorm.interaction(test, index=index, description=f"Вопрос {index + 1}", learner_response="b",
                          correct_responses=[{"pattern": "a"}] if index == 0 else ["b"],
                          result="wrong" if index == 0 else "correct", latency_seconds=Decimal(125),
                          timestamp="2026-11-23T10:15:00+00:00")
    return row


@pytest.fixture
def learners(course, lesson):
    """Four learners: one never opened the lesson, one is in progress (failed), one studied it (two attempts),
    one is from another library; plus a withdrawn person and someone of another course, who are not listed."""
    now = timezone.now()
    far = LibraryFactory(short_name="Тисульская ЦБС")
    nobody = enrol(course, "Аксёнова")
    going = enrol(course, "Борисова")
    attempt_with_answers(lesson, going, success_status="failed", score_percent=Decimal("40"),
                         total_seconds=Decimal(1500), updated_at=now - timedelta(days=1))
    done = enrol(course, "Васильева")
    attempt_with_answers(lesson, done, success_status="failed", score_percent=Decimal("55.5"),
                         total_seconds=Decimal(1800), updated_at=now - timedelta(days=3))
    attempt_with_answers(lesson, done, number=2, completion_status="completed", success_status="passed",
                         score_percent=Decimal("92.5"), total_seconds=Decimal(2100),
                         updated_at=now - timedelta(hours=2), satisfied_at=now - timedelta(hours=2))
    remote = enrol(course, "Григорьева", library=far)
    gone = enrol(course, "Дроздова")
    Enrolment.objects.filter(user=gone).update(status=Enrolment.Status.WITHDRAWN)
    enrol(pages.course(title="Чужой курс"), "Егорова")
    return {"nobody": nobody, "going": going, "done": done, "remote": remote, "far": far}


def test_one_row_per_learner_with_status_score_time_and_attempts(client, trainer, lesson, learners):
    client.force_login(trainer)
    response = client.get(report_url(lesson))
    assert response.status_code == 200
    rows = {row.user.last_name: row for row in response.context["rows"]}
    assert list(rows) == ["Аксёнова", "Борисова", "Васильева", "Григорьева"]
    seen = {name: (row.status_label, row.result_label, row.score, row.attempt_count, row.time_text)
            for name, row in rows.items()}
    assert seen == {
        "Аксёнова": ("Не начат", "", None, 0, ""),
        "Борисова": ("В процессе", "Не сдан", 40, 1, "25 мин"),
        "Васильева": ("Изучен", "Сдан", 92.5, 2, "1 ч 05 мин"),
        "Григорьева": ("Не начат", "", None, 0, ""),
    }
    page = response.content.decode()
    assert "Отчёт по SCORM-уроку: Интерактивный модуль" in page
    assert "Урок засчитывается, когда результат достигает 70 %." in page
    assert "1 ч 05 мин" in page and "Не начат" in page and detail_url(lesson, learners["done"]) in page
    assert "Слушатели по состояниям" in page  # the chart with its hidden table
    assert "Лучший результат, %" in page and "Затраченное время" in page and "Best score" not in page


def test_last_activity_is_the_newest_attempt_in_kemerovo_time(client, trainer, lesson, learners):
    client.force_login(trainer)
    row = next(r for r in client.get(report_url(lesson)).context["rows"] if r.user == learners["done"])
    newest = learners["done"].scorm_attempts.get(number=2).updated_at
    assert row.last_activity == newest
    assert newest.astimezone(KEMEROVO).strftime("%d.%m.%Y %H:%M") in client.get(report_url(lesson)).content.decode()


def test_filters_by_status_result_and_library(client, trainer, lesson, learners):
    client.force_login(trainer)

    def names(query: str) -> list[str]:
        response = client.get(report_url(lesson, "results/?" + query))
        assert response.status_code == 200
        return [row.user.last_name for row in response.context["rows"]]

    assert names("lesson_status=not_started") == ["Аксёнова", "Григорьева"]
    assert names("lesson_status=in_progress") == ["Борисова"]
    assert names("lesson_status=studied") == ["Васильева"]
    assert names("lesson_result=failed") == ["Борисова"]
    assert names(f"library={learners['far'].pk}") == ["Григорьева"]
    assert names(f"municipality={learners['far'].municipality_id}") == ["Григорьева"]


def test_recertification_counts_only_what_was_studied_in_the_new_cycle(client, trainer, course, lesson, learners):
    Enrolment.objects.filter(user=learners["done"], course=course).update(cycle=2, cycle_started_at=timezone.now())
    client.force_login(trainer)
    row = next(r for r in client.get(report_url(lesson)).context["rows"] if r.user == learners["done"])
    assert (row.status_label, row.attempt_count) == ("В процессе", 2)  # the history stays, the status is current


def test_csv_export_has_the_columns_in_russian(client, trainer, lesson, learners):
    client.force_login(trainer)
    response = client.get(report_url(lesson, "?export=csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == HEADINGS and len(lines) == 5
    done = next(line for line in lines if line[0].startswith("Васильева"))
    newest = learners["done"].scorm_attempts.get(number=2).updated_at.astimezone(KEMEROVO)
    assert done[5:] == ["Изучен", "Сдан", "92.5", "2", "1 ч 05 мин", "65.0", newest.strftime("%d.%m.%Y %H:%M")]
    nobody = next(line for line in lines if line[0].startswith("Аксёнова"))
    assert nobody[5:] == ["Не начат", "", "", "0", "", "0.0", ""]
    filtered = client.get(report_url(lesson, "?export=csv&lesson_status=in_progress"))
    assert len(list(csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode("utf-8-sig"))))) == 2


def test_xlsx_export_has_the_same_columns(client, administrator, lesson, learners):
    from openpyxl import load_workbook

    client.force_login(administrator)
    response = client.get(report_url(lesson, "?export=xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[1]] == HEADINGS and sheet.max_row == 5
    done = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0].startswith("Васильева"))
    newest = learners["done"].scorm_attempts.get(number=2).updated_at.astimezone(KEMEROVO)
    assert done[5:11] == ("Изучен", "Сдан", 92.5, 2, "1 ч 05 мин", 65)
    assert done[11].strftime("%d.%m.%Y %H:%M") == newest.strftime("%d.%m.%Y %H:%M")  # Kemerovo time, not UTC


def test_learner_detail_shows_attempts_scos_and_interactions(client, trainer, lesson, learners):
    client.force_login(trainer)
    response = client.get(detail_url(lesson, learners["done"]))
    assert response.status_code == 200
    attempts = response.context["attempts"]
    assert [a.number for a in attempts] == [2, 1]
    assert [state.title for state in attempts[0].states] == ["Введение", "Проверка знаний"]
    intro, test = attempts[0].states
    assert (intro.completion_text, intro.time_text, intro.location) == ("завершён", "5 мин", "page-4")
    assert (test.completion_text, test.score_text, test.time_text) == ("не завершён", "8 из 10 (80 %)", "10 мин")
    items = list(test.interactions.all())
    assert [(i.result_text, i.correct_text, i.latency_text, i.type_text) for i in items[:2]] == [
        ("неверно", "a", "2 мин 05 с", "выбор"), ("верно", "b", "2 мин 05 с", "выбор")]
    page = response.content.decode()
    assert "Попытка 2" in page and "Попытка 1" in page and "Ответ слушателя" in page and "Вопрос 3" in page
    assert "23.11.2026 17:15:00" in page  # the interaction's time in Kemerovo
    assert "урок засчитан" in page and "Место в уроке" in page and "Результат, %" in page and "Score" not in page
    nobody = client.get(detail_url(lesson, learners["nobody"]))
    assert nobody.status_code == 200 and "Слушатель ещё не открывал урок." in nobody.content.decode()


def test_detail_of_someone_outside_the_course_is_not_found(client, trainer, lesson, learners):
    client.force_login(trainer)
    outsider = UserFactory(last_name="Посторонняя")
    assert client.get(detail_url(lesson, outsider)).status_code == 404
    assert client.get(reverse("courses_scorm_lesson_report", args=[999999])).status_code == 404


@pytest.mark.parametrize("who", ["administrator", "trainer"])
def test_administrators_and_the_course_trainers_see_everything(client, request, who, lesson, learners):
    client.force_login(request.getfixturevalue(who))
    for url in (report_url(lesson), report_url(lesson, "results/"), report_url(lesson, "?export=csv"),
                report_url(lesson, "?export=xlsx"), detail_url(lesson, learners["done"]),
                reverse("courses_scorm_lessons")):
        assert client.get(url).status_code == 200, url


def refused(response) -> bool:
    """Wagtail turns a refusal inside the admin into a redirect to the dashboard with «Извините, у вас нет доступа»
    (people without admin access go to the login page); a request from the filters' script gets the 403 itself."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response["Location"].split("?")[0] in (
        reverse("wagtailadmin_home"), reverse("wagtailadmin_login"))


def test_other_trainers_learners_and_heads_are_refused(client, other_trainer, lesson, learners):
    head = UserFactory(role=Role.LIBRARY_HEAD, library=learners["done"].library)
    urls = (report_url(lesson), report_url(lesson, "results/"), report_url(lesson, "?export=csv"),
            report_url(lesson, "?export=xlsx"), detail_url(lesson, learners["done"]))
    for person in (other_trainer, learners["done"], head):
        client.force_login(person)
        for url in urls:
            assert refused(client.get(url)), (person.last_name, url)
        if person != other_trainer:  # a trainer of another course has the list, with own lessons only
            assert refused(client.get(reverse("courses_scorm_lessons"))), person.last_name
    client.force_login(other_trainer)
    for url in urls[1:2] + urls[4:5]:
        assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403, url


def test_lesson_list_shows_own_lessons_only(client, trainer, other_trainer, lesson):
    client.force_login(trainer)
    response = client.get(reverse("courses_scorm_lessons"))
    assert [(item.title, item.course.title) for item in response.context["lessons"]] == [
        ("Интерактивный модуль", "Работа с читателями")]
    assert report_url(lesson) in response.content.decode()
    client.force_login(other_trainer)
    assert client.get(reverse("courses_scorm_lessons")).context["lessons"] == []
    assert reverse("courses_scorm_lessons") in client.get(reverse("wagtailadmin_home")).content.decode()  # «Отчёты»


def test_report_button_in_the_page_tree_and_on_the_edit_screen(client, trainer, other_trainer, course, lesson):
    client.force_login(trainer)
    listing = client.get(reverse("wagtailadmin_explore", args=[course.pk])).content.decode()
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    for page in (listing, edit):
        assert report_url(lesson) in page and "Результаты слушателей" in page
    client.force_login(other_trainer)
    assert report_url(lesson) not in client.get(reverse("wagtailadmin_explore", args=[course.pk])).content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


def _grow(course, lesson, start: int, stop: int, *, attempts: int = 1, answers: int = 3) -> None:
    for number in range(start, stop):
        person = enrol(course, f"Слушательница{number:02d}")
        for attempt_number in range(1, attempts + 1):
            attempt_with_answers(lesson, person, number=attempt_number, answers=answers,
                                 score_percent=Decimal(number))


def test_report_and_exports_do_a_fixed_number_of_queries(client, administrator, course, lesson):
    urls = [report_url(lesson), report_url(lesson, "results/?lesson_status=in_progress"),
            report_url(lesson, "?export=csv"), report_url(lesson, "?export=xlsx")]
    client.force_login(administrator)
    _grow(course, lesson, 0, 2)
    for url in urls:
        _queries(client, url)  # warm the caches the admin's menus fill once
    small = [_queries(client, url) for url in urls]
    _grow(course, lesson, 2, 12, attempts=2)
    assert Enrolment.objects.filter(course=course).count() == 12
    assert [_queries(client, url) for url in urls] == small


def test_learner_detail_does_a_fixed_number_of_queries(client, trainer, course, lesson):
    client.force_login(trainer)
    few, many = enrol(course, "Малова"), enrol(course, "Многова")
    for number in (1, 2):
        attempt_with_answers(lesson, few, number=number, answers=2)
    for number in range(1, 13):
        attempt_with_answers(lesson, many, number=number, answers=12)
    _queries(client, detail_url(lesson, few))
    small = _queries(client, detail_url(lesson, few))
    assert _queries(client, detail_url(lesson, many)) == small


def test_durations_read_as_russian():
    assert [duration_text(Decimal(value)) for value in (0, 30, 60, 1500, 3600, 3900, 7322)] == [
        "0 мин", "меньше минуты", "1 мин", "25 мин", "1 ч 00 мин", "1 ч 05 мин", "2 ч 02 мин"]
    assert [duration_text(value, with_seconds=True) for value in (40, 125, 3900)] == [
        "40 с", "2 мин 05 с", "1 ч 05 мин"]


def test_interaction_times_and_sco_scores():
    assert interaction_time("2026-11-23T10:15:00Z").strftime("%d.%m.%Y %H:%M") == "23.11.2026 17:15"
    assert interaction_time("10:15:00") == "10:15:00"  # SCORM 1.2 gives a time of day only
    state = scorm.ScormScoState(score_scaled=Decimal("0.75"))
    assert sco_score_text(state) == "75 %"
    assert sco_score_text(scorm.ScormScoState(score_raw=Decimal(8))) == "8"
    half = scorm.ScormScoState(score_raw=Decimal("5.5"), score_min=Decimal(0), score_max=Decimal(10))
    assert sco_score_text(half) == "5,5 из 10 (55 %)"  # a decimal comma, as Russian writes it


def test_responses_read_without_scorm_delimiters():
    assert correct_responses_text([{"pattern": "a[,]b[,]c"}, "1[.]a[,]2[.]b", "5[:]10"]) == (
        "a, b, c; 1 → a, 2 → b; 5–10")
