"""«Quiz results» and the item analysis in the Wagtail admin through HTTP: a trainer sees own quizzes only, the CSV
export, the item analysis numbers on four hand-made attempts, forged quiz ids. Assertions are on data."""

import csv
import io
import math
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.quizzes import question_bank
from courses.quizzes import services as quiz
from courses.models import Attempt, Question, QuizPage, QuizSlot
from lms.accounts.roles import Role
from tests.courses.quizzes.test_services import QUESTIONS, setup, token_for  # noqa: F401 (a fixture)
from tests.factories import UserFactory
from tests.factories import courses as pages

RESULTS = "/admin/reports/quiz-results/"
ANALYSIS = "/admin/reports/item-analysis/"
RIGHT = {"multichoice": "ГОСТ Р 7.0.100–2018", "truefalse": "true", "shortanswer": "Кемерово"}
WRONG = {"multichoice": "ГОСТ 7.1–84", "truefalse": "false", "shortanswer": "Томск"}


def take(page, course, last_name, right: dict[str, bool]) -> Attempt:
    """A learner of the course sits the quiz, right or wrong per question type, and submits."""
    learner = UserFactory(last_name=last_name)
    services.enrolment_self(user=learner, course=course)
    attempt = quiz.attempt_start(user=learner, quiz=page)
    responses = {}
    for index, entry in enumerate(attempt.questions):
        kind = entry["question"]["type"]
        value = (RIGHT if right.get(kind, True) else WRONG)[kind]
        responses[str(index)] = token_for(entry, value) if kind == "multichoice" else value
    attempt = quiz.attempt_save(attempt=attempt, user=learner, responses=responses, sequence=0)
    return quiz.attempt_submit(attempt=attempt, user=learner)


@pytest.fixture
def trainer(setup):  # noqa: F811
    course = setup[0]
    user = UserFactory(role=Role.TRAINER, last_name="Тренерова")
    services.course_trainer_add(course=course, user=user)
    return user


@pytest.fixture
def other_quiz(db):
    course = pages.course(title="Чужой курс", slug="someone-else")
    services.course_trainer_add(course=course, user=UserFactory(role=Role.TRAINER))
    question_bank.import_into_bank(course.slug, None, QUESTIONS[:2])
    page = QuizPage(title="Чужой тест", slug="other-test", live=True)
    course.add_child(instance=page)
    for order, question in enumerate(Question.objects.filter(category__course=course).order_by("pk")):
        QuizSlot.objects.create(quiz=page, question=question, sort_order=order)
    take(page, course, "Посторонняя", {})
    return page


def test_trainer_sees_only_own_quiz_results(client, setup, trainer, other_quiz):  # noqa: F811
    course, _lesson, page, _learner = setup
    mine = take(page, course, "Своякова", {"truefalse": False})
    client.force_login(trainer)
    for url in (RESULTS, f"{RESULTS}?quiz={other_quiz.pk}", f"{RESULTS}results/?quiz={other_quiz.pk}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert [a.pk for a in response.context["attempts"]] == [mine.pk], url
    row = client.get(f"{RESULTS}?quiz={page.pk}&status=finished").context["attempts"][0]
    assert (row.user.last_name, row.number, row.marks, row.max_marks) == ("Своякова", 1, 2, 3)
    assert row.percent_rounded == pytest.approx(66.7) and row.minutes_taken is not None
    assert list(client.get(f"{RESULTS}?status=needs_grading").context["attempts"]) == []
    quizzes = client.get(RESULTS).context["filters"].form.fields["quiz"].queryset
    assert list(quizzes) == [page]


def test_administrator_sees_every_quiz_and_a_learner_sees_nothing(client, administrator, setup, other_quiz):  # noqa: F811
    course, _lesson, page, learner = setup
    take(page, course, "Своякова", {})
    client.force_login(administrator)
    names = {a.user.last_name for a in client.get(RESULTS).context["attempts"]}
    assert names == {"Своякова", "Посторонняя"}
    client.force_login(learner)
    assert client.get(RESULTS).status_code in (302, 403)
    assert client.get(f"{ANALYSIS}?quiz={page.pk}").status_code in (302, 403)


def test_csv_export_has_own_results_in_local_time(client, setup, trainer, other_quiz):  # noqa: F811
    course, _lesson, page, _learner = setup
    attempt = take(page, course, "Выгрузкина", {"shortanswer": False})
    Attempt.objects.filter(pk=attempt.pk).update(started_at=attempt.submitted_at - timedelta(minutes=12))
    client.force_login(trainer)
    response = client.get(f"{RESULTS}?export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(lines) == 2 and "Посторонняя" not in str(lines)
    row = lines[1]
    local = attempt.submitted_at.astimezone(ZoneInfo("Asia/Novokuznetsk"))
    assert row[0].startswith("Выгрузкина") and page.title in row
    assert ["1", "2.0", "3.0", "66.7", "12.0", local.strftime("%d.%m.%Y %H:%M")] == [row[4], *row[6:]]


def test_xlsx_export(client, administrator, setup):  # noqa: F811
    from openpyxl import load_workbook

    course, _lesson, page, _learner = setup
    take(page, course, "Таблицына", {})
    client.force_login(administrator)
    response = client.get(f"{RESULTS}?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 2 and "Таблицына" in str(sheet.cell(row=2, column=1).value)


def test_results_do_a_fixed_number_of_queries(client, administrator, setup):  # noqa: F811
    course, _lesson, page, _learner = setup

    def count() -> int:
        client.get(RESULTS)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(RESULTS).status_code == 200
        return len(queries)

    client.force_login(administrator)
    take(page, course, "Первая", {})
    one = count()
    for name in ("Вторая", "Третья", "Четвёртая"):
        take(page, course, name, {"multichoice": False})
    assert count() == one


def test_item_analysis_numbers(client, setup, trainer, other_quiz):  # noqa: F811
    course, _lesson, page, _learner = setup
    # (choice, true/false, short answer): the same hand-made set as in test_item_analysis.
    for name, (choice, truefalse, short) in {"А": (1, 1, 1), "Б": (1, 0, 1), "В": (0, 1, 0),
                                             "Г": (0, 0, 0)}.items():
        take(page, course, name, {"multichoice": choice, "truefalse": truefalse, "shortanswer": short})
    client.force_login(trainer)
    response = client.get(f"{ANALYSIS}?quiz={page.pk}")
    assert response.status_code == 200 and response.context["attempts_count"] == 4
    rows = {row.qtype: row for row, _label in response.context["rows"]}
    assert {qtype: (row.attempts, row.facility) for qtype, row in rows.items()} == {
        "multichoice": (4, 50.0), "truefalse": (4, 50.0), "shortanswer": (4, 50.0)}
    assert rows["multichoice"].discrimination == pytest.approx(1 / math.sqrt(2))
    assert rows["truefalse"].discrimination == pytest.approx(0.0)
    assert rows["shortanswer"].discrimination == pytest.approx(1 / math.sqrt(2))
    assert rows["multichoice"].distribution == [("ГОСТ Р 7.0.100–2018", 2), ("ГОСТ 7.1–84", 2)]
    assert rows["truefalse"].distribution == [(True, 2), (False, 2)]
    assert rows["shortanswer"].distribution == [("Кемерово", 2), ("Томск", 2)]
    assert rows["multichoice"].name == "Стандарт"
    # Without a quiz: a list of the trainer's own quizzes, each named with its course (every course has its
    # «Итоговый тест», and four links of the same name told nobody which was which).
    listing = client.get(ANALYSIS)
    assert listing.context["quizzes"] == [page]
    assert f">{course.title}: {page.title}</a>" in listing.content.decode()
    assert f"{page.title} ({course.title})" in response.content.decode()


def test_item_analysis_of_a_forged_quiz_is_not_found(client, setup, trainer, other_quiz):  # noqa: F811
    client.force_login(trainer)
    for value in (other_quiz.pk, 999999, "abc"):
        assert client.get(f"{ANALYSIS}?quiz={value}").status_code in (403, 404), value
