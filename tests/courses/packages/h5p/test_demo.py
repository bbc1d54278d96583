"""The demo's H5P file passes our own check, and the demo seed makes its content and lesson once."""

import io

import pytest

from cms.demo_h5p import COURSE_SLUG, LESSON_SLUG, demo_h5p_file, h5p_demo_seed
from courses.models import H5PContent, LessonPage
from courses.packages.h5p.check import check_h5p
from courses.packages.h5p.progress import lesson_h5p_blocks
from tests.factories import courses as pages


def test_the_demo_file_is_a_valid_h5p_built_the_same_every_time():
    check = check_h5p(io.BytesIO(demo_h5p_file()))
    assert check.ok, check.errors
    assert check.main_library == "H5P.KuzbassQuiz 1.0"
    assert demo_h5p_file() == demo_h5p_file()


@pytest.mark.django_db
def test_the_demo_seed_is_idempotent(media):
    course = pages.course(slug=COURSE_SLUG)
    pages.module(course)
    assert h5p_demo_seed() == 2
    assert h5p_demo_seed() == 0
    lesson = LessonPage.objects.get(slug=LESSON_SLUG)
    content = H5PContent.objects.get()
    assert lesson.live and [(b.content_id, b.required) for b in lesson_h5p_blocks(lesson)] == [(content.pk, True)]
