"""The package check (courses/packages/manifest.py, archive.py) on packages written by tests/.../builders.py."""

import io
import zipfile

import pytest

from courses.packages.archive import ArchiveLimits
from courses.packages.manifest import check_package, with_parameters

from . import builders as b


def check(data: bytes, limits: ArchiveLimits | None = None):
    return check_package(io.BytesIO(data), limits)


def refusal(data: bytes, limits: ArchiveLimits | None = None) -> str:
    result = check(data, limits)
    assert not result.ok, result.as_json()
    assert not result.scos or result.errors
    return " ".join(result.errors)


def package_with(manifest: str, **files) -> bytes:
    return b.build_zip({"imsmanifest.xml": manifest, **{name: b.SCO_HTML for name in files}})


# --- packages that are accepted ------------------------------------------------------------------------------

def test_scorm_12_single_sco(tmp_path):
    path = tmp_path / "package.zip"
    path.write_bytes(b.single_sco_12())
    result = check_package(str(path))
    assert result.ok
    assert result.as_json() == {"version": "1.2", "title": "Основы каталогизации",
                                "scos": [{"identifier": "ITEM-1", "title": "Урок 1", "launch": "index.html"}],
                                "errors": []}
    assert result.files == ["index.html", "style.css"] and result.missing_files == []
    assert result.organization == "ORG-1" and result.member_count == 3


def test_scorm_12_multi_sco_nested_items_in_order_with_parameters():
    result = check(b.multi_sco_12())
    assert result.ok, result.errors
    assert [(sco.identifier, sco.title, sco.launch) for sco in result.scos] == [
        ("ITEM-1", "Введение", "sco1/index.html"),
        ("ITEM-2", "Практика", "sco2/index.html"),
        ("ITEM-3", "Итоговый тест", "sco3/start.html?mode=test"),
    ]
    module, final = result.items
    assert module.title == "Модуль 1" and not module.is_sco and module.resource == ""
    assert [child.identifier for child in module.children] == ["ITEM-1", "ITEM-2"]
    assert final.is_sco and final.resource == "RES-3"


@pytest.mark.parametrize("schemaversion, version", [
    ("2004 4th Edition", "2004 4th"),
    ("2004 3rd Edition", "2004 3rd"),
    ("CAM 1.3", "2004 2nd"),
    (None, "2004 3rd"),          # no schemaversion: the adlcp_v1p3 namespace says 2004, the edition is a guess
])
def test_scorm_2004_editions(schemaversion, version):
    result = check(b.sco_2004(schemaversion))
    assert result.ok, result.errors
    assert result.version == version
    assert result.as_json()["scos"] == [{"identifier": "ITEM-1", "title": "Урок", "launch": "content/index.html"}]


def test_scorm_12_told_by_namespace_alone():
    manifest = b.manifest_12("Курс", [{"id": "I", "ref": "R", "title": "Урок"}],
                             [{"id": "R", "href": "a.html"}], schemaversion=None)
    assert check(package_with(manifest, **{"a.html": 1})).version == "1.2"


def test_xml_base_and_href_query_make_the_launch_address():
    manifest = b.manifest_2004("Курс", [{"id": "I", "ref": "R", "title": "Урок", "parameters": "&part=2"}],
                               [{"id": "R", "href": "start.html?lang=ru"}])
    manifest = manifest.replace('<resource identifier="R"', '<resource xml:base="lesson/" identifier="R"')
    result = check(b.build_zip({"imsmanifest.xml": manifest, "lesson/start.html": b.SCO_HTML}))
    assert result.ok, result.errors
    assert result.scos[0].launch == "lesson/start.html?lang=ru&part=2"


def test_parameters_are_joined_as_the_content_packaging_rules_say():
    assert with_parameters("a.html", "?x=1") == "a.html?x=1"
    assert with_parameters("a.html?y=2", "?x=1") == "a.html?y=2&x=1"
    assert with_parameters("a.html", "#page3") == "a.html#page3"
    assert with_parameters("a.html", "  ") == "a.html"


def test_assets_are_not_scos_and_declared_but_missing_files_only_warn():
    manifest = b.manifest_12("Курс", [{"id": "I1", "ref": "R1", "title": "Справка"},
                                      {"id": "I2", "ref": "R2", "title": "Урок"}],
                             [{"id": "R1", "type": "asset", "href": "help.html"},
                              {"id": "R2", "href": "index.html", "files": ["index.html", "img/lost.png"]}])
    result = check(b.build_zip({"imsmanifest.xml": manifest, "help.html": "x", "index.html": b.SCO_HTML}))
    assert result.ok
    assert [sco.identifier for sco in result.scos] == ["I2"]
    assert result.missing_files == ["img/lost.png"]
    assert "img/lost.png" in result.warnings[0] and "нет в архиве" in result.warnings[0]


def test_windows_1251_manifest_is_read():
    manifest = b.manifest_12("Библиотечное дело", [{"id": "I", "ref": "R", "title": "Урок"}],
                             [{"id": "R", "href": "index.html"}]).replace('encoding="UTF-8"', 'encoding="windows-1251"')
    result = check(b.build_zip({"imsmanifest.xml": manifest.encode("cp1251"), "index.html": b.SCO_HTML}))
    assert result.ok, result.errors
    assert result.title == "Библиотечное дело"


# --- refusals, each with its Russian reason -------------------------------------------------------------------

def test_not_a_zip_and_a_damaged_zip():
    assert "не является zip-архивом" in refusal(b"PK\x03\x04 not really a zip")
    assert "не является zip-архивом" in refusal(b.single_sco_12()[:-30])


def test_damaged_manifest_member():
    data = bytearray(b.build_zip({"imsmanifest.xml": "<manifest>" + "x" * 500 + "</manifest>"},
                                 compression=zipfile.ZIP_STORED))
    data[data.index(b"xxxx")] = ord("y")            # the CRC no longer matches
    assert "«imsmanifest.xml» в архиве повреждён" in refusal(bytes(data))


def test_no_manifest_at_the_root():
    assert "В корне архива нет файла imsmanifest.xml" in refusal(b.build_zip({"index.html": b.SCO_HTML}))


def test_manifest_in_a_folder_says_pack_the_contents():
    data = b.build_zip({"Курс/imsmanifest.xml": "<manifest/>", "Курс/index.html": b.SCO_HTML})
    message = refusal(data)
    assert "в папке «Курс»" in message and "упакуйте содержимое папки, а не саму папку" in message.lower()


def test_aicc_only_package():
    data = b.build_zip({"course.crs": "[Course]", "course.au": "x", "course.des": "x", "course.cst": "x"})
    assert "Это пакет AICC" in refusal(data)


@pytest.mark.parametrize("name", ["../evil.html", "lesson/../../evil.html", "lesson\\..\\..\\evil.html"])
def test_member_climbing_out(name):
    data = b.build_zip({**{"imsmanifest.xml": "<manifest/>"}, name: "x"})
    assert "ведёт за пределы пакета (../)" in refusal(data)


@pytest.mark.parametrize("name", ["/etc/evil.html", "C:/evil.html", "C:\\evil.html"])
def test_absolute_member_paths(name):
    data = b.build_zip({"imsmanifest.xml": "<manifest/>", name: "x"})
    assert "абсолютный путь" in refusal(data)


def test_symlink_member():
    data = b.build_zip({"imsmanifest.xml": "<manifest/>"}, symlinks={"index.html": "/etc/passwd"})
    assert "символическая ссылка" in refusal(data)


def test_too_many_members_with_the_default_limit():
    files = {f"f/{number}.txt": "" for number in range(5_001)}
    assert "Число файлов в архиве (5002) больше допустимого для пакета (5000)" in refusal(
        b.build_zip({"imsmanifest.xml": "<manifest/>", **files}, compression=zipfile.ZIP_STORED))


def test_highly_compressed_member_is_a_bomb():
    data = b.build_zip({"imsmanifest.xml": "<manifest/>", "bomb.bin": b"\0" * (4 * 1024 * 1024)})
    assert "сжат более чем в 100 раз" in refusal(data)


def test_small_highly_compressible_files_are_fine():
    manifest = b.manifest_12("Курс", [{"id": "I", "ref": "R", "title": "Урок"}], [{"id": "R", "href": "a.html"}])
    assert check(b.build_zip({"imsmanifest.xml": manifest, "a.html": b.SCO_HTML, "blank.css": " " * 200_000})).ok


def test_total_uncompressed_size(settings):
    settings.SCORM_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    data = b.build_zip({"imsmanifest.xml": "<manifest/>", **{f"{n}.bin": bytes(range(256)) * 4096
                                                           for n in range(3)}}, compression=zipfile.ZIP_STORED)
    assert "в распакованном виде он занял бы больше 2 МБ" in refusal(data)


def test_limits_can_be_passed_in():
    limits = ArchiveLimits(max_members=2, max_uncompressed_bytes=10**9, max_compression_ratio=100)
    assert "больше допустимого для пакета (2)" in refusal(b.single_sco_12(), limits)


@pytest.mark.parametrize("manifest, reason", [
    ("<manifest><organizations>", "некорректный XML (строка 1"),
    ('<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY a "aaaa">]><manifest>&a;</manifest>', "DOCTYPE"),
    ('<?xml version="1.0"?><!DOCTYPE manifest SYSTEM "http://example.org/x.dtd"><manifest/>', "DOCTYPE"),
    ("<package/>", "корневой элемент — не <manifest>"),
    ('<?xml version="1.0" encoding="x-unknown-42"?><manifest/>', "неизвестной кодировке «x-unknown-42»"),
])
def test_unsafe_or_broken_manifest(manifest, reason):
    assert reason in refusal(b.build_zip({"imsmanifest.xml": manifest}))


def test_deeply_nested_manifest():
    manifest = "<manifest>" + "<item>" * 100 + "</item>" * 100 + "</manifest>"
    assert "вложены глубже 64" in refusal(b.build_zip({"imsmanifest.xml": manifest}))


def test_no_version():
    manifest = b.manifest_12("Курс", [{"id": "I", "ref": "R", "title": "Урок"}], [{"id": "R", "href": "a.html"}],
                             schemaversion=None).replace('xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"',
                                                         'xmlns:adlcp="urn:other"').replace(
        "imscp_rootv1p1p2", "imscp_other")
    assert "не удаётся определить версию SCORM" in refusal(package_with(manifest, **{"a.html": 1}))


def test_no_organization():
    manifest = b.manifest_12("Курс", [], [{"id": "R", "href": "a.html"}])
    manifest = manifest[:manifest.index("  <organizations")] + "  <organizations/>\n" + manifest[
        manifest.index("  <resources>"):]
    assert "не описана ни одна организация" in refusal(package_with(manifest, **{"a.html": 1}))


def test_organization_without_items():
    manifest = b.manifest_12("Курс", [], [{"id": "R", "href": "a.html"}])
    assert "В организации «Курс» нет ни одного элемента" in refusal(package_with(manifest, **{"a.html": 1}))


def test_no_sco():
    manifest = b.manifest_12("Курс", [{"id": "I", "ref": "R", "title": "Урок"}],
                             [{"id": "R", "type": "asset", "href": "a.html"}])
    assert "нет ни одного SCO" in refusal(package_with(manifest, **{"a.html": 1}))


def test_sco_whose_launch_file_is_missing():
    manifest = b.manifest_2004("Курс", [{"id": "I", "ref": "R", "title": "Урок"}],
                               [{"id": "R", "href": "content/index.html"}])
    assert "Файла запуска «content/index.html» для «Урок» нет в архиве" in refusal(package_with(manifest))


@pytest.mark.parametrize("href", ["../outside.html", "http://example.org/sco.html", "/abs/index.html"])
def test_sco_launched_outside_the_package(href):
    manifest = b.manifest_12("Курс", [{"id": "I", "ref": "R", "title": "Урок"}], [{"id": "R", "href": href}])
    assert "ведёт за пределы пакета" in refusal(package_with(manifest))


def test_identifierref_to_an_unknown_resource():
    manifest = b.manifest_12("Курс", [{"id": "I1", "ref": "R1", "title": "Урок 1"},
                                      {"id": "I2", "ref": "NOPE", "title": "Урок 2"}],
                             [{"id": "R1", "href": "a.html"}])
    result = check(package_with(manifest, **{"a.html": 1}))
    assert result.errors == ["Элемент «Урок 2» ссылается на ресурс «NOPE», которого нет в манифесте."]


# --- what a SCO is given at launch (read per item; optional keys of the SCO list) --------------------------------

def _with_item_children(manifest: str, item_id: str, children: str) -> str:
    """The manifest with ``children`` written into the item ``item_id`` (after its title)."""
    head, tail = manifest.split(f'<item identifier="{item_id}"', 1)
    title_end = tail.index("</title>") + len("</title>")
    return head + f'<item identifier="{item_id}"' + tail[:title_end] + children + tail[title_end:]


def test_scorm_12_mastery_score_and_launch_data_per_sco():
    manifest = b.manifest_12("Курс", [{"id": "I1", "ref": "R1", "title": "Урок 1"},
                                      {"id": "I2", "ref": "R2", "title": "Урок 2"}],
                             [{"id": "R1", "href": "a.html"}, {"id": "R2", "href": "b.html"}])
    manifest = _with_item_children(manifest, "I1", "<adlcp:masteryscore>80</adlcp:masteryscore>"
                                   "<adlcp:datafromlms>level=2&amp;lang=ru</adlcp:datafromlms>")
    result = check(package_with(manifest, **{"a.html": 1, "b.html": 1}))
    assert result.ok, result.errors
    assert result.as_json()["scos"] == [
        {"identifier": "I1", "title": "Урок 1", "launch": "a.html", "mastery_score": "80",
         "launch_data": "level=2&lang=ru"},
        {"identifier": "I2", "title": "Урок 2", "launch": "b.html"},   # nothing given: the same three keys as before
    ]
    assert result.warnings == []


@pytest.mark.parametrize("children, expected", [
    # 3rd edition: the threshold is the element's text
    ("<adlcp:completionThreshold>0.75</adlcp:completionThreshold>", {"completion_threshold": "0.75"}),
    # 4th edition: attributes; used when completedByMeasure is true, 1.0 when minProgressMeasure is absent
    ('<adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.6"/>',
     {"completion_threshold": "0.6"}),
    ('<adlcp:completionThreshold completedByMeasure="true"/>', {"completion_threshold": "1.0"}),
    ('<adlcp:completionThreshold completedByMeasure="false" minProgressMeasure="0.6"/>', {}),
    ('<adlcp:dataFromLMS>start=intro</adlcp:dataFromLMS>', {"launch_data": "start=intro"}),
    ('<imsss:sequencing><imsss:objectives><imsss:primaryObjective objectiveID="P" satisfiedByMeasure="true">'
     '<imsss:minNormalizedMeasure>0.7</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives>'
     '</imsss:sequencing>', {"scaled_passing_score": "0.7"}),
    ('<imsss:sequencing><imsss:objectives><imsss:primaryObjective objectiveID="P" satisfiedByMeasure="false">'
     '<imsss:minNormalizedMeasure>0.7</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives>'
     '</imsss:sequencing>', {}),
    ('<imsss:sequencing><imsss:objectives><imsss:primaryObjective satisfiedByMeasure="true"/></imsss:objectives>'
     '</imsss:sequencing>', {"scaled_passing_score": "1.0"}),
])
def test_scorm_2004_threshold_passing_score_and_launch_data(children, expected):
    manifest = b.manifest_2004("Курс", [{"id": "I", "ref": "R", "title": "Урок"}], [{"id": "R", "href": "a.html"}])
    result = check(package_with(_with_item_children(manifest, "I", children), **{"a.html": 1}))
    assert result.ok, result.errors
    assert result.as_json()["scos"] == [{"identifier": "I", "title": "Урок", "launch": "a.html", **expected}]
    assert result.scos[0].run_time == expected


@pytest.mark.parametrize("children, figure", [
    ("<adlcp:masteryscore>120</adlcp:masteryscore>", "mastery_score"),
    ("<adlcp:masteryscore>восемьдесят</adlcp:masteryscore>", "mastery_score"),
    ("<adlcp:completionThreshold>1.5</adlcp:completionThreshold>", "completion_threshold"),
])
def test_figures_out_of_range_are_left_out_with_a_warning(children, figure):
    manifest = b.manifest_12("Курс", [{"id": "I", "ref": "R", "title": "Урок"}], [{"id": "R", "href": "a.html"}])
    result = check(package_with(_with_item_children(manifest, "I", children), **{"a.html": 1}))
    assert result.ok
    assert result.as_json()["scos"] == [{"identifier": "I", "title": "Урок", "launch": "a.html"}]
    assert len(result.warnings) == 1
    assert f"для {figure}" in result.warnings[0] and "не используется" in result.warnings[0]
