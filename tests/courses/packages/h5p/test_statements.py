"""The xAPI endpoint: checked statements kept with our actor, refusals in Russian (400), the top-level scored
statement completing the block and, with the last required block, the lesson (course progress follows);
recertification cycles; a fixed number of queries per statement."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Enrolment, H5PResult, LessonCompletion, XAPIStatement
from courses.services import EnrolmentError, lesson_complete
from tests.factories import UserFactory
from tests.factories import courses as pages

from .conftest import h5p_block

pytestmark = pytest.mark.django_db
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def statement(content, *, verb=ANSWERED, raw=1, max_score=1, parent=False, sub=None, **result):
    body = {
        "actor": {"name": "Кто угодно", "mbox": "mailto:someone@example.org", "objectType": "Agent"},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"id": content.xapi_object_iri + (f"?subContentId={sub}" if sub else ""),
                   "objectType": "Activity"},
        "result": {"score": {"min": 0, "max": max_score, "raw": raw,
                             **({"scaled": raw / max_score} if max_score else {})},
                   "completion": True, **result},
    }
    if parent:
        body["context"] = {"contextActivities": {"parent": [{"id": content.xapi_object_iri}]}}
    return body


def post(client, lesson, block_id, body):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(reverse("courses:h5p_statement", args=[lesson.pk, block_id]), data,
                       content_type="application/json")


def test_a_top_level_answer_completes_the_block_and_the_lesson(client, h5p_lesson, quiz_content, studying, settings):
    client.force_login(studying.user)
    response = post(client, h5p_lesson, "task-1", statement(quiz_content))
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["block_done"] and answer["lesson_done"] and (answer["done"], answer["total"]) == (1, 1)
    assert answer["message"] == "Все задания урока выполнены: урок изучен."
    kept = XAPIStatement.objects.get()
    assert kept.is_top_level and kept.verb == ANSWERED and kept.score_raw == 1 and kept.score_scaled == 1
    assert kept.statement["actor"] == {"objectType": "Agent", "name": studying.user.get_full_name(),
                                       "account": {"homePage": settings.SITE_URL, "name": str(studying.user.pk)}}
    assert "mbox" not in json.dumps(kept.statement)  # the browser's word about who it is is not kept
    result = H5PResult.objects.get()
    assert (result.block_id, result.cycle, result.score, result.max_score) == ("task-1", 1, 1, 1)
    assert LessonCompletion.objects.filter(enrolment=studying, lesson=h5p_lesson).exists()
    studying.refresh_from_db()
    assert studying.status == Enrolment.Status.COMPLETED  # the course's only lesson: progress and completion follow


def test_a_sub_question_or_a_statement_without_score_does_not_complete(client, h5p_lesson, quiz_content, studying):
    client.force_login(studying.user)
    assert post(client, h5p_lesson, "task-1", statement(quiz_content, parent=True, sub="q1")).status_code == 200
    unscored = statement(quiz_content)
    del unscored["result"]["score"]
    assert post(client, h5p_lesson, "task-1", unscored).status_code == 200
    attempted = statement(quiz_content, verb="http://adlnet.gov/expapi/verbs/attempted")
    answer = post(client, h5p_lesson, "task-1", attempted).json()
    assert not answer["block_done"] and not answer["lesson_done"]
    assert "осталось 1 задание (выполнено 0 из 1)" in answer["message"]
    assert XAPIStatement.objects.count() == 3 and not H5PResult.objects.exists()
    assert not LessonCompletion.objects.exists()


def test_the_lesson_waits_for_every_required_block(client, h5p_course, quiz_content, studying):
    lesson = pages.lesson(h5p_course, body=[h5p_block(quiz_content, block_id="one"),
                                            h5p_block(quiz_content, block_id="two"),
                                            h5p_block(quiz_content, block_id="extra", required=False)])
    client.force_login(studying.user)
    page = client.get(lesson.url).content.decode()
    assert "осталось 2 задания (выполнено 0 из 2)" in page and "Отметить как изученный" not in page
    refused = client.post(reverse("courses:complete_lesson", args=[lesson.pk]), follow=True)
    assert "осталось 2 задания" in refused.content.decode()  # the button's address refuses as well
    with pytest.raises(EnrolmentError):
        lesson_complete(user=studying.user, lesson=lesson)
    assert post(client, lesson, "extra", statement(quiz_content)).json()["done"] == 0
    answer = post(client, lesson, "one", statement(quiz_content, raw=0)).json()  # a wrong answer still finishes it
    assert answer["block_done"] and not answer["lesson_done"] and answer["done"] == 1
    assert not LessonCompletion.objects.filter(lesson=lesson).exists()
    assert post(client, lesson, "two", statement(quiz_content)).json()["lesson_done"]
    assert LessonCompletion.objects.filter(lesson=lesson).exists()
    assert "Вы изучили этот урок." in client.get(lesson.url).content.decode()


def test_the_best_score_is_kept(client, h5p_lesson, quiz_content, studying):
    client.force_login(studying.user)
    post(client, h5p_lesson, "task-1", statement(quiz_content, raw=0, max_score=2))
    post(client, h5p_lesson, "task-1", statement(quiz_content, raw=2, max_score=2))
    post(client, h5p_lesson, "task-1", statement(quiz_content, raw=1, max_score=2))
    result = H5PResult.objects.get()
    assert (result.score, result.max_score) == (2, 2)


@pytest.mark.parametrize("body, reason", [
    (b"{not json", "не является правильным JSON"),
    (b"[1, 2]", "должно быть объектом JSON"),
    ({"verb": {"id": "answered"}}, "нет правильного IRI"),
    ({"verb": {"id": "http://adlnet.gov/expapi/verbs/has space"}}, "нет правильного IRI"),
])
def test_malformed_statements_are_refused_in_russian(client, h5p_lesson, quiz_content, studying, body, reason):
    client.force_login(studying.user)
    if isinstance(body, dict):
        body = {**statement(quiz_content), **body}
    response = post(client, h5p_lesson, "task-1", body)
    assert response.status_code == 400 and reason in response.json()["error"]
    assert not XAPIStatement.objects.exists()


@pytest.mark.parametrize("change, reason", [
    ({"object": {"id": "http://example.org/other"}}, "относится не к этому H5P-материалу"),
    ({"result": {"score": {"raw": 3, "max": 2}}}, "raw вне промежутка min…max"),
    ({"result": {"score": {"raw": 1, "min": 3, "max": 2}}}, "min больше max"),
    ({"result": {"score": {"raw": 1, "max": 2, "scaled": 1.5}}}, "scaled должна быть от -1 до 1"),
    ({"result": {"score": {"raw": "1", "max": 2}}}, "Оценка raw — не число"),
    ({"result": {"score": {"raw": True, "max": 2}}}, "Оценка raw — не число"),
    ({"result": {"success": "yes"}}, "result.success должно быть true или false"),
])
def test_statements_out_of_range_are_refused(client, h5p_lesson, quiz_content, studying, change, reason):
    client.force_login(studying.user)
    response = post(client, h5p_lesson, "task-1", {**statement(quiz_content), **change})
    assert response.status_code == 400 and reason in response.json()["error"]
    assert not XAPIStatement.objects.exists() and not H5PResult.objects.exists()


def test_a_statement_too_large_is_refused(client, h5p_lesson, quiz_content, studying, settings):
    settings.H5P_MAX_STATEMENT_BYTES = 2048
    client.force_login(studying.user)
    body = statement(quiz_content)
    body["object"]["definition"] = {"description": {"ru-RU": "я" * 2048}}
    response = post(client, h5p_lesson, "task-1", body)
    assert response.status_code == 400 and response.json()["error"] == "Утверждение xAPI больше 2 КБ."


def test_unknown_block_outsiders_and_get_are_refused(client, h5p_lesson, quiz_content, studying):
    body = statement(quiz_content)
    assert post(client, h5p_lesson, "task-1", body).status_code == 403  # anonymous
    client.force_login(UserFactory())
    response = post(client, h5p_lesson, "task-1", body)
    assert response.status_code == 403 and "Запишитесь на курс" in response.json()["error"]
    client.force_login(studying.user)
    response = post(client, h5p_lesson, "no-such-block", body)
    assert response.status_code == 400 and "нет такого задания H5P" in response.json()["error"]
    assert client.get(reverse("courses:h5p_statement", args=[h5p_lesson.pk, "task-1"])).status_code == 405
    assert not XAPIStatement.objects.exists()


def test_the_csrf_token_is_required(h5p_lesson, quiz_content, studying):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(studying.user)
    assert post(client, h5p_lesson, "task-1", statement(quiz_content)).status_code == 403
    page = client.get(h5p_lesson.url)
    token = page.cookies["csrftoken"].value
    response = client.post(reverse("courses:h5p_statement", args=[h5p_lesson.pk, "task-1"]),
                           json.dumps(statement(quiz_content)), content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_an_earlier_cycle_does_not_count(client, quiz_content):
    from django.utils import timezone

    from courses.recertification import enrolment_reopen
    from courses.services import enrolment_create, enrolment_progress_refresh

    course = pages.course(validity_months=12, recertification_window_days=30)
    lesson = pages.lesson(course, body=[h5p_block(quiz_content, block_id="task")])
    learner = UserFactory()
    enrolment = enrolment_create(user=learner, course=course, source="self")
    client.force_login(learner)
    assert post(client, lesson, "task", statement(quiz_content)).json()["lesson_done"]
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment_reopen(enrolment_id=enrolment.pk, today=enrolment.valid_until)
    enrolment.refresh_from_db()
    assert enrolment.cycle == 2
    page = client.get(lesson.url).content.decode()
    assert "осталось 1 задание (выполнено 0 из 1)" in page  # the first cycle's result is history
    answer = post(client, lesson, "task", statement(quiz_content)).json()
    assert answer["lesson_done"]
    assert sorted(H5PResult.objects.values_list("cycle", flat=True)) == [1, 2]
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED and enrolment.completed_at <= timezone.now()


@pytest.mark.parametrize("kind", ["sub-question", "block done", "lesson done"])
def test_a_statement_costs_a_fixed_number_of_queries(client, h5p_course, quiz_content, kind):
    """The same count with 2 or 7 required blocks in the lesson, and 1 or 30 statements kept before: a sub-question's
    statement, a top-level answer that finishes a block, and one that finishes the lesson's last block."""
    from courses.services import enrolment_create, enrolment_progress_refresh

    pages.lesson(h5p_course)  # a lesson nobody studies here: the course's completion stays out of the count
    counts = []
    for blocks, earlier in ((2, 1), (7, 30)):
        lesson = pages.lesson(h5p_course, body=[h5p_block(quiz_content, block_id=f"b{index}")
                                                for index in range(blocks)])
        learner = UserFactory()
        enrolment = enrolment_create(user=learner, course=h5p_course, source="self")
        enrolment_progress_refresh(enrolment=enrolment)  # the course's structure is now in the content cache
        client.force_login(learner)
        for _ in range(earlier):
            assert post(client, lesson, "b0", statement(quiz_content, parent=True, sub="q")).status_code == 200
        first_done = 1 if kind == "lesson done" else 2  # «block done» leaves b1 to do
        for index in range(first_done, blocks):
            assert post(client, lesson, f"b{index}", statement(quiz_content)).status_code == 200
        body = statement(quiz_content, parent=kind == "sub-question", sub="q" if kind == "sub-question" else None)
        with CaptureQueriesContext(connection) as queries:
            answer = post(client, lesson, "b0", body).json()
        assert answer["lesson_done"] == (kind == "lesson done")
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
