"""The check of an .h5p file: what it finds in a good one, and every refusal, in Russian, with nothing stored."""

import json

import pytest

from courses.models import H5PContent
from courses.packages.h5p.check import check_h5p
from courses.packages.h5p.services import H5PContentError, h5p_content_store

from .. import h5p_builders as hb
from ..builders import build_zip
from .conftest import h5p_upload


def spoiled(**changes) -> bytes:
    """The quiz with members replaced (a value) or removed (None)."""
    files = hb.quiz_files()
    for name, value in changes.items():
        name = name.replace("__", "/").replace("_DOT_", ".")
        if value is None:
            files.pop(name)
        else:
            files[name] = value
    return build_zip(files)


def refusal(data: bytes) -> str:
    import io

    check = check_h5p(io.BytesIO(data))
    assert not check.ok
    return check.errors[0]


def test_a_good_file_is_described():
    import io

    check = check_h5p(io.BytesIO(hb.quiz_h5p(**{".DS_Store": b"x", "__MACOSX/._h5p.json": b"x"})))
    assert check.ok, check.errors
    assert check.title == "Проверка: фонд библиотеки" and check.main_library == "H5P.KuzbassQuiz 1.0"
    assert check.libraries == [hb.LIBRARY]
    assert sorted(check.files) == sorted(hb.quiz_files())  # packing debris is neither counted nor stored
    assert check.member_count == 5


@pytest.mark.parametrize("data, reason", [
    (b"not a zip at all", "не является zip-архивом"),
    (build_zip({"h5p.json": "{}", "../evil.js": "x"}), "ведёт за пределы пакета (../)"),
    (spoiled(**{"h5p_DOT_json": None}), "нет файла h5p.json"),
    (spoiled(**{"content__content_DOT_json": None}), "нет content/content.json"),
    (spoiled(**{"h5p_DOT_json": "{not json"}), "h5p.json не является правильным JSON"),
    (spoiled(**{"content__content_DOT_json": "[1, 2"}), "content/content.json не является правильным JSON"),
    (spoiled(**{"h5p_DOT_json": json.dumps(hb.h5p_json(mainLibrary="H5P.Other"))}),
     "Основная библиотека «H5P.Other» не указана"),
    (spoiled(**{"H5P_DOT_KuzbassQuiz-1_DOT_0__library_DOT_json": None}),
     "Библиотеки H5P.KuzbassQuiz-1.0, указанной в h5p.json, нет"),
    (spoiled(**{"H5P_DOT_KuzbassQuiz-1_DOT_0__library_DOT_json": json.dumps(hb.library_json(preloadedDependencies=[
        {"machineName": "H5P.JoubelUI", "majorVersion": 1, "minorVersion": 3}]))}),
     "Библиотеки H5P.JoubelUI-1.3, указанной в H5P.KuzbassQuiz-1.0/library.json, нет"),
    (spoiled(**{"H5P_DOT_KuzbassQuiz-1_DOT_0__kuzbass-quiz_DOT_js": None}), "нужен файл «kuzbass-quiz.js»"),
    (hb.quiz_h5p(**{"content/page.html": "<script>alert(1)</script>"}), "«content/page.html»"),
    (hb.quiz_h5p(**{"H5P.KuzbassQuiz-1.0/server.php": "<?php"}), "«H5P.KuzbassQuiz-1.0/server.php»"),
    (hb.quiz_h5p(**{"content/setup.exe": b"MZ"}), "«content/setup.exe»"),
    (hb.quiz_h5p(**{"content/extra.js": "alert(1)"}), "«content/extra.js»"),  # scripts only inside libraries
])
def test_refusals_are_explained_in_russian(data, reason):
    assert reason in refusal(data)


def test_a_bomb_is_refused(settings):
    settings.SCORM_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    message = refusal(hb.quiz_h5p(**{"content/big.json": b" " * (2 * 1024 * 1024)}))
    assert "больше 1 МБ" in message


@pytest.mark.django_db
def test_a_refused_file_stores_nothing(media, administrator):
    with pytest.raises(H5PContentError) as refused:
        h5p_content_store(upload=h5p_upload(spoiled(**{"content__content_DOT_json": None})), actor=administrator)
    assert "content/content.json" in str(refused.value)
    assert H5PContent.objects.count() == 0 and not any(path.is_file() for path in media.rglob("*"))
