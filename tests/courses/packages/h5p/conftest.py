"""What the H5P tests share: a stored quiz, a course with a lesson that plays it, an enrolled learner."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.packages.h5p.services import h5p_content_store
from courses.services import enrolment_create
from tests.factories import courses as pages

from .. import h5p_builders as hb


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def h5p_upload(data: bytes, name: str = "quiz.h5p") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


@pytest.fixture
def quiz_content(db, media, administrator):
    return h5p_content_store(upload=h5p_upload(hb.quiz_h5p()), actor=administrator)


def h5p_block(content, *, block_id: str, required: bool = True, title: str = "") -> dict:
    return {"type": "h5p", "id": block_id, "value": {"content": content.pk, "required": required, "title": title}}


@pytest.fixture
def h5p_course(db):
    return pages.course(title="Фонды")


@pytest.fixture
def h5p_lesson(h5p_course, quiz_content):
    """A lesson with text and one required H5P task (block «task-1»)."""
    return pages.lesson(h5p_course, title="Проверка фонда", body=[
        {"type": "paragraph", "id": "text-1", "value": "<p>Прочитайте и ответьте.</p>"},
        h5p_block(quiz_content, block_id="task-1")])


@pytest.fixture
def studying(learner, h5p_course):
    return enrolment_create(user=learner, course=h5p_course, source="self")
