"""H5P content in the Wagtail admin: a trainer uploads (refusals shown in Russian, nothing kept), the listing, and
who may see it."""

import pytest
from django.urls import reverse

from courses.models import H5PContent
from lms.accounts.roles import Role
from tests.factories import UserFactory

from .. import h5p_builders as hb
from ..builders import build_zip
from .conftest import h5p_upload

pytestmark = pytest.mark.django_db
INDEX, ADD = "h5p_content:index", "h5p_content:add"


def test_trainer_uploads_an_h5p_file(client, media):
    trainer = UserFactory(role=Role.TRAINER)
    client.force_login(trainer)
    form = client.get(reverse(ADD))
    assert form.status_code == 200 and "Файл H5P (.h5p)" in form.content.decode()
    response = client.post(reverse(ADD), {"title": "", "file": h5p_upload(hb.quiz_h5p())})
    assert response.status_code == 302
    content = H5PContent.objects.get()
    assert content.title == "Проверка: фонд библиотеки" and content.uploaded_by == trainer
    assert (media / content.storage_prefix / "content" / "content.json").exists()
    listing = client.get(reverse(INDEX)).content.decode()
    assert "H5P-материалы" in listing and "H5P.KuzbassQuiz 1.0" in listing


def test_refused_upload_shows_the_reason_and_keeps_nothing(client, administrator, media):
    client.force_login(administrator)
    files = hb.quiz_files()
    files.pop("h5p.json")
    response = client.post(reverse(ADD), {"title": "Тест", "file": h5p_upload(build_zip(files))})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Файл H5P не принят." in page and "в корне архива нет файла h5p.json" in page
    assert H5PContent.objects.count() == 0 and not any(path.is_file() for path in media.rglob("*"))


def test_learners_and_heads_have_no_access(client):
    for role in (Role.LEARNER, Role.LIBRARY_HEAD):
        client.force_login(UserFactory(role=role))
        assert client.get(reverse(INDEX)).status_code in (302, 403)
