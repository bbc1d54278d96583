"""python manage.py scorm_inspect: the JSON form, the Russian summary, status 1 and nothing written on refusal."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from . import builders as b

ROOT = Path(__file__).resolve().parents[3]


def write(tmp_path, data: bytes, name: str = "package.zip") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def inspect(*args) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("scorm_inspect", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_json_of_a_multi_sco_package(tmp_path):
    out, error = inspect(write(tmp_path, b.multi_sco_12()), "--json")
    assert error is None
    assert json.loads(out) == {
        "version": "1.2", "title": "Работа с читателями",
        "scos": [{"identifier": "ITEM-1", "title": "Введение", "launch": "sco1/index.html"},
                 {"identifier": "ITEM-2", "title": "Практика", "launch": "sco2/index.html"},
                 {"identifier": "ITEM-3", "title": "Итоговый тест", "launch": "sco3/start.html?mode=test"}],
        "errors": []}
    assert len(out.strip().splitlines()) == 1


@pytest.mark.parametrize("schemaversion, version", [("2004 3rd Edition", "2004 3rd"), ("2004 4th Edition", "2004 4th")])
def test_json_of_2004_packages(tmp_path, schemaversion, version):
    out, error = inspect(write(tmp_path, b.sco_2004(schemaversion)), "--json")
    assert error is None and json.loads(out)["version"] == version


def test_json_of_a_refused_package_exits_1_with_russian_errors(tmp_path):
    out, error = inspect(write(tmp_path, b.build_zip({"Курс/imsmanifest.xml": "<manifest/>"})), "--json")
    assert error is not None and error.returncode == 1
    payload = json.loads(out)
    assert payload["version"] is None and payload["scos"] == []
    assert payload["errors"] == ["Файл imsmanifest.xml лежит не в корне архива, а в папке «Курс». "
                                 "Упакуйте содержимое папки, а не саму папку."]


def test_summary_in_russian(tmp_path):
    out, error = inspect(write(tmp_path, b.multi_sco_12()))
    assert error is None
    assert "Версия SCORM: 1.2" in out and "Название: Работа с читателями" in out
    assert "5 файлов в архиве" in out and "3 учебных объекта (SCO):" in out
    assert "  - Модуль 1\n    - Введение (SCO)" in out
    assert "3. Итоговый тест [ITEM-3] → sco3/start.html?mode=test" in out
    assert "Пакет можно загружать." in out


def test_summary_of_a_single_sco(tmp_path):
    out, _error = inspect(write(tmp_path, b.single_sco_12()))
    assert "3 файла в архиве" in out and "1 учебный объект (SCO):" in out


def test_summary_of_a_refused_package_names_the_reasons(tmp_path):
    out, error = inspect(write(tmp_path, b.build_zip({"imsmanifest.xml": "<manifest/>", "../x.html": "x"})))
    assert error is not None and error.returncode == 1
    assert "ведёт за пределы пакета (../)" in str(error)
    assert "Пакет можно загружать" not in out


def test_missing_file(tmp_path):
    out, error = inspect(str(tmp_path / "nothing.zip"), "--json")
    assert error is not None and json.loads(out)["errors"] == ["Файл не найден."]


@pytest.mark.django_db
def test_nothing_is_written_on_refusal_or_success(tmp_path, settings, django_assert_num_queries):
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    bomb = write(tmp_path, b.build_zip({"imsmanifest.xml": "<manifest/>", "bomb.bin": b"\0" * (4 * 1024 * 1024)}),
                 "bomb.zip")
    good = write(tmp_path, b.single_sco_12(), "good.zip")
    before = sorted(os.listdir(tmp_path))
    with django_assert_num_queries(0):
        _out, error = inspect(bomb, "--json")
        inspect(good, "--json")
        inspect(good)
    assert error is not None
    assert list(media.iterdir()) == []
    assert sorted(os.listdir(tmp_path)) == before


def test_as_a_subprocess(tmp_path):
    refused = write(tmp_path, b.build_zip({"course.crs": "x", "course.au": "x"}), "aicc.zip")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings"}
    run = subprocess.run([sys.executable, "manage.py", "scorm_inspect", refused, "--json"], cwd=ROOT,
                         capture_output=True, text=True, env=environment, timeout=120)
    assert run.returncode == 1
    assert json.loads(run.stdout)["errors"][0].startswith("Это пакет AICC")
    assert "Пакет отклонён" in run.stderr
