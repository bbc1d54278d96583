"""The real test packages (scos.py) pass the package check, and ``scorm_inspect --json`` names their version and
SCOs. (That their SCOs run is shown in Chromium by tests/e2e/test_scorm_packages.py.)"""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command

from courses.packages.manifest import check_package

from . import scos

EXPECTED = {
    "scorm12_single": ("1.2", [("SCO-SERVICE", "Обслуживание читателей: практикум", "index.html")]),
    "scorm12_multi": ("1.2", [("SCO-INTRO", "Введение", "intro/index.html"),
                              ("SCO-PRACTICE", "Практика", "practice/index.html"),
                              ("SCO-FINAL", "Итоговый тест", "final/test.html?mode=test")]),
    "scorm2004_3rd": ("2004 3rd", [("SCO-1", "Справочное обслуживание (SCORM 2004, 3-я редакция)",
                                    "content/start.html")]),
    "scorm2004_4th": ("2004 4th", [("SCO-1", "Персональные данные читателей (SCORM 2004, 4-я редакция)",
                                    "content/start.html")]),
    "scorm12_pipwerks": ("1.2", [("SCO-PIPWERKS", "Правила пользования библиотекой (pipwerks)", "index.html")]),
}

# What the manifests give the SCOs at launch and the LMS judges their statuses by (read by the package check).
RUN_TIME = {
    "scorm12_single": {"SCO-SERVICE": {"mastery_score": "70"}},
    "scorm12_multi": {"SCO-INTRO": {}, "SCO-PRACTICE": {}, "SCO-FINAL": {"mastery_score": "50"}},
    "scorm2004_4th": {"SCO-1": {"completion_threshold": "0.8", "scaled_passing_score": "0.6"}},
}


@pytest.mark.parametrize("name", sorted(scos.ALL))
def test_scorm_inspect_json_of_each_real_package(tmp_path, name):
    package = scos.ALL[name]()
    path = tmp_path / f"{name}.zip"
    path.write_bytes(package.data)
    out = StringIO()
    call_command("scorm_inspect", str(path), "--json", stdout=out)
    found = json.loads(out.getvalue())
    version, expected_scos = EXPECTED[name]
    assert found["version"] == version == package.version
    assert found["title"] == package.title
    assert [(s["identifier"], s["title"], s["launch"]) for s in found["scos"]] == expected_scos
    assert [identifier for identifier, _title in package.scos] == [s["identifier"] for s in found["scos"]]
    assert found["errors"] == []
    run_time = {s["identifier"]: {k: v for k, v in s.items() if k not in ("identifier", "title", "launch")}
                for s in found["scos"]}
    assert run_time == RUN_TIME.get(name, {identifier: {} for identifier, _title in package.scos})


@pytest.mark.parametrize("name", sorted(scos.ALL))
def test_every_declared_file_is_in_the_archive(name):
    package = scos.ALL[name]()
    check = check_package(io.BytesIO(package.data))
    assert check.ok and check.missing_files == [] and check.warnings == []
    assert set(check.files) == set(zipfile.ZipFile(io.BytesIO(package.data)).namelist()) - {"imsmanifest.xml"}


def test_each_sco_page_carries_its_configuration_and_loads_the_engine():
    package = scos.scorm12_multi()
    archive = zipfile.ZipFile(io.BytesIO(package.data))
    final = archive.read("final/test.html").decode()
    assert '<script src="../shared/sco.js"></script>' in final and '<html lang="ru">' in final
    config = json.loads(final.split('id="sco-config">', 1)[1].split("</script>", 1)[0])
    assert config == package.configs["SCO-FINAL"]
    assert "<script>" not in final  # no inline script: the SCO runs under a CSP without 'unsafe-inline'


def test_the_pipwerks_package_holds_the_wrapper_from_node_modules():
    package = scos.scorm12_pipwerks()
    archive = zipfile.ZipFile(io.BytesIO(package.data))
    wrapper = archive.read("pipwerks.js").decode()
    assert wrapper == scos.PIPWERKS_BUNDLE.read_text(encoding="utf-8")
    assert "pipwerks.SCORM.API.find" in wrapper and "Philip Hutchison" in wrapper
    launch = archive.read("index.html").decode()
    assert launch.index('src="exports.js"') < launch.index('src="pipwerks.js"') < launch.index('src="sco.js"')


def test_2004_4th_edition_manifest_states_its_thresholds():
    manifest = zipfile.ZipFile(io.BytesIO(scos.scorm2004_4th().data)).read("imsmanifest.xml").decode()
    assert '<adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.8"/>' in manifest
    assert "<imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure>" in manifest
    assert "<schemaversion>2004 4th Edition</schemaversion>" in manifest
