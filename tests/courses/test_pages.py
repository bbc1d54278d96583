"""The learner's pages through HTTP: catalogue, course, lesson, «Моё обучение»; fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.models import CoursePage, Enrolment
from tests.factories import UserFactory
from tests.factories import courses as pages


@pytest.fixture
def programme(db):
    return pages.programme(title="Программа непрерывного образования")


def build_course(programme, lessons=3, **fields):
    course = pages.course(programme, **fields)
    module = pages.module(course)
    made = [pages.lesson(module) for _ in range(lessons)]
    return course, made


def count_queries(client, url) -> int:
    client.get(url)  # warm per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_catalogue_lists_filters_and_searches(client, programme):
    build_course(programme, title="Виртуальное справочное обслуживание", summary="Онлайн-справки читателям",
                 format=CoursePage.Format.DISTANCE, audience="библиографы")
    build_course(programme, title="Краеведческие коллекции", summary="Оцифровка фондов",
                 format=CoursePage.Format.BLENDED, enrolment_policy=CoursePage.Policy.ASSIGNED)
    page = client.get(programme.url).content.decode()
    assert "Виртуальное справочное обслуживание" in page and "Краеведческие коллекции" in page
    blended = client.get(programme.url + "?format=blended").content.decode()
    assert "Краеведческие коллекции" in blended and "Виртуальное справочное" not in blended
    open_only = client.get(programme.url + "?open=1").content.decode()
    assert "Краеведческие коллекции" not in open_only
    audience = client.get(programme.url + "?audience=библиографы").content.decode()
    assert "Виртуальное справочное" in audience and "Краеведческие" not in audience
    found = client.get(programme.url + "?q=справочное").content.decode()
    assert "Виртуальное справочное обслуживание" in found and "Краеведческие коллекции" not in found


def test_drafts_are_not_in_the_catalogue(client, programme):
    pages.course(programme, title="Черновик курса", live=False)
    assert "Черновик курса" not in client.get(programme.url).content.decode()


def test_course_page_offers_the_action_its_policy_allows(client, programme, learner):
    open_course, _ = build_course(programme)
    approval, _ = build_course(programme, enrolment_policy=CoursePage.Policy.APPROVAL)
    assigned, _ = build_course(programme, enrolment_policy=CoursePage.Policy.ASSIGNED)
    assert "Войдите, чтобы записаться" in client.get(open_course.url).content.decode()
    client.force_login(learner)
    assert "Записаться" in client.get(open_course.url).content.decode()
    assert "Подать заявку" in client.get(approval.url).content.decode()
    page = client.get(assigned.url).content.decode()
    assert "назначает администратор" in page and 'action="/courses/' not in page


def test_learner_enrols_studies_and_sees_progress(client, programme, learner):
    course, lessons = build_course(programme, lessons=2)
    client.force_login(learner)
    assert client.get(lessons[0].url).status_code == 302  # not enrolled yet: back to the course
    response = client.post(f"/courses/{course.pk}/enrol/")
    assert response.status_code == 302 and Enrolment.objects.filter(user=learner, course=course).exists()
    lesson_page = client.get(lessons[0].url).content.decode()
    assert "Отметить как изученный и продолжить" in lesson_page and "урок 1 из 2" in lesson_page
    response = client.post(f"/lessons/{lessons[0].pk}/complete/", {"next_url": str(lessons[1].pk)})
    assert response["Location"] == lessons[1].url
    course_page = client.get(course.url).content.decode()
    assert "50%" in course_page and "Продолжить с места остановки" in course_page
    client.post(f"/lessons/{lessons[1].pk}/complete/")
    dashboard = client.get("/learning/").content.decode()
    assert "Пройден" in dashboard or course.title in dashboard
    assert Enrolment.objects.get(user=learner).status == Enrolment.Status.COMPLETED


def test_a_learner_cannot_study_or_mark_another_course(client, programme, learner):
    course, lessons = build_course(programme)
    other = UserFactory()
    services.enrolment_self(user=other, course=course)
    client.force_login(learner)
    assert client.get(lessons[0].url).status_code == 302
    client.post(f"/lessons/{lessons[0].pk}/complete/")
    assert not Enrolment.objects.filter(user=learner).exists()
    assert Enrolment.objects.get(user=other).progress_percent == 0
    assert other.full_name not in client.get("/learning/").content.decode()


def test_actions_need_post_and_login(client, programme):
    course, lessons = build_course(programme)
    assert client.get(f"/courses/{course.pk}/enrol/").status_code in (302, 405)
    assert client.post(f"/courses/{course.pk}/enrol/").status_code == 302
    assert not Enrolment.objects.exists()


def test_dashboard_shows_assigned_overdue_and_hours(client, programme, learner, administrator):
    from datetime import timedelta

    from django.utils import timezone

    assigned, _ = build_course(programme, title="Назначенный курс")
    done, done_lessons = build_course(programme, title="Пройденный курс", lessons=1, academic_hours=16)
    services.enrolment_create(user=learner, course=assigned, source=Enrolment.Source.ADMIN,
                              due_date=timezone.localdate() - timedelta(days=1), actor=administrator)
    services.enrolment_self(user=learner, course=done)
    services.lesson_complete(user=learner, lesson=done_lessons[0])
    client.force_login(learner)
    page = client.get("/learning/").content.decode()
    assert "Назначено вам" in page and "Назначенный курс" in page and "Просрочено" in page
    assert "16 академических часов" in page and "Пройденный курс" in page


@pytest.mark.parametrize("view", ["catalogue", "course", "lesson", "dashboard"])
def test_pages_do_a_fixed_number_of_queries(client, programme, view):
    learner = UserFactory()
    client.force_login(learner)

    def grow(courses, lessons):
        made = []
        for _ in range(courses):
            course, course_lessons = build_course(programme, lessons=lessons)
            services.enrolment_self(user=learner, course=course)
            services.lesson_complete(user=learner, lesson=course_lessons[0])
            for _ in range(3):
                services.enrolment_self(user=UserFactory(), course=course)
            made.append((course, course_lessons))
        return made

    first = grow(2, 2)
    urls = {"catalogue": programme.url, "course": first[0][0].url, "lesson": first[0][1][1].url,
            "dashboard": "/learning/"}
    small = count_queries(client, urls[view])
    grow(4, 5)
    if view in ("course", "lesson"):
        for _ in range(5):
            pages.lesson(first[0][0])
    assert count_queries(client, urls[view]) == small


def test_a_lesson_links_to_its_neighbours_and_sees_a_renamed_one_at_once(client, programme, learner):
    course, lessons = build_course(programme, lessons=3)
    services.enrolment_self(user=learner, course=course)
    client.force_login(learner)
    middle = client.get(lessons[1].url).content.decode()
    assert "урок 2 из 3" in middle
    assert f'<a href="{lessons[0].url}" rel="prev">← {lessons[0].title}</a>' in middle
    assert f'<a href="{lessons[2].url}" rel="next">{lessons[2].title} →</a>' in middle
    assert f'<a href="{course.url}">{course.title}</a>' in middle
    assert f'name="next_url" value="{lessons[2].pk}"' in middle
    from lms import content_cache

    assert content_cache.read(f"content:lesson-nav:{lessons[1].get_site().pk}:{lessons[1].pk}")[1] is not None
    last = client.get(lessons[2].url).content.decode()
    assert "урок 3 из 3" in last and 'rel="next"' not in last
    lessons[2].title = "Итоговый урок"
    lessons[2].save_revision().publish()
    assert "Итоговый урок →" in client.get(lessons[1].url).content.decode()  # the navigation kept is made again


def test_a_lesson_previewed_before_it_is_published_keeps_nothing(client, programme):
    from lms import content_cache

    course, lessons = build_course(programme, lessons=2)
    draft = pages.lesson(lessons[0].get_parent(), title="Черновик урока", live=False)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    preview_url = f"/admin/pages/{draft.pk}/edit/preview/"
    form = {"title": draft.title, "slug": draft.slug, "estimated_minutes": 20, "is_required": "on",
            "body-count": "0"}
    assert client.post(preview_url, form).json()["is_valid"]
    shown = client.get(preview_url).content.decode()
    assert "Черновик урока" in shown and f'href="{course.url}"' in shown
    generation, kept = content_cache.read(f"content:lesson-nav:{draft.get_site().pk}:{draft.pk}")
    assert kept is None


@pytest.mark.parametrize("hours,years,expected", [
    (72, 3, "За 3 года библиотекарю нужно набрать 72 академических часа."),
    (25, 5, "За 5 лет библиотекарю нужно набрать 25 академических часов."),
    (21, 1, "За 1 год библиотекарю нужно набрать 21 академический час."),
])
def test_the_programme_states_its_quota_with_both_numbers_declined(client, db, hours, years, expected):
    from tests.factories import courses as pages_factory

    programme = pages_factory.programme(title="Программа", slug="prog", expected_hours=hours, period_years=years,
                                        aims="<p>Цели программы</p>")
    assert expected in " ".join(client.get(programme.url).content.decode().split())


def test_continue_leads_to_the_next_lesson_not_studied_and_counts_agree_with_the_lesson_pages(client, db):
    from courses import services as course_services
    from courses.models import QuizPage
    from tests.factories import UserFactory
    from tests.factories import courses as pages_factory

    course = pages_factory.course(slug="order-course")
    first, second, third = (pages_factory.lesson(course, title=f"Урок {n}") for n in (1, 2, 3))
    course.add_child(instance=QuizPage(title="Итоговый тест", slug="final", live=True))
    learner = UserFactory()
    course_services.enrolment_self(user=learner, course=course)
    client.force_login(learner)
    client.get(first.url)  # opened (the last lesson opened) ...
    course_services.lesson_complete(user=learner, lesson=first)  # ... and studied
    response = client.get(course.url)
    assert response.context["continue_lesson"].pk == second.pk  # not the lesson already studied
    assert response.context["lesson_count"] == 3 and response.context["quiz_count"] == 1
    lesson_page = client.get(second.url)
    assert lesson_page.context["lesson_count"] == response.context["lesson_count"]  # «урок 2 из 3»
    for lesson in (second, third):
        client.get(lesson.url)
        course_services.lesson_complete(user=learner, lesson=lesson)
    assert client.get(course.url).context["continue_lesson"].title == "Итоговый тест"  # what is left
