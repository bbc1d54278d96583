"""The real test packages (tests/courses/packages/scos.py) run in Chromium under scorm-again alone, with no server:
a page that holds the API (as the player does) and the SCO in an iframe, the files served from the zip by request
routing. scorm-again checks every value a SCO sets as its edition defines it, so a SCO that writes a wrong type,
vocabulary or format fails here, before any LMS is involved. This proves the packages the SCORM journeys use
(tests/e2e/test_scorm_journeys.py) behave as authoring tools' content does: they find the API, resume, record
interactions, score and finish."""

from __future__ import annotations

import io
import json
import mimetypes
import zipfile
from pathlib import Path

import pytest

from courses.packages.cmi import check_commit
from courses.packages.manifest import check_package
from tests.courses.packages import scos
from tests.e2e import scorm_play

pytestmark = pytest.mark.e2e

ORIGIN = "http://lms.test"
SCORM_AGAIN = Path(__file__).resolve().parents[2] / "node_modules" / "scorm-again" / "dist" / "scorm-again.min.js"

PLAYER = """<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Плеер</title>
<script src="/vendor/scorm-again.min.js"></script></head><body>
<iframe id="scorm-frame" title="Учебный объект" style="width:100%%;height:600px"></iframe>
<script>
  var launch = %(launch)s, version = %(version)s, given = %(given)s;
  var api = version === "1.2" ? new Scorm12API({autocommit: false, logLevel: 5})
                              : new Scorm2004API({autocommit: false, logLevel: 5});
  if (given) { api.loadFromJSON(given, ""); }
  var names = version === "1.2" ? {set: "LMSSetValue", error: "LMSGetLastError", commit: "LMSCommit", finish: "LMSFinish"}
                                : {set: "SetValue", error: "GetLastError", commit: "Commit", finish: "Terminate"};
  window.refused = []; window.commits = 0; window.finished = false;
  var set = api[names.set], commit = api[names.commit], finish = api[names.finish];
  api[names.set] = function (name, value) {
    var result = set.call(api, name, value);
    if (String(result) !== "true") { window.refused.push([name, String(value), String(api[names.error]())]); }
    return result;
  };
  api[names.commit] = function (arg) { window.commits += 1; return commit.call(api, arg); };
  api[names.finish] = function (arg) {
    window.saved = JSON.parse(JSON.stringify(api.cmi)); window.finished = true; return finish.call(api, arg);
  };
  window[version === "1.2" ? "API" : "API_1484_11"] = api;
  document.getElementById("scorm-frame").src = "/package/" + launch;
</script></body></html>"""


def serve(page, package: scos.RealPackage, launch: str, given: dict | None) -> None:
    members = zipfile.ZipFile(io.BytesIO(package.data))
    version = "1.2" if package.version == "1.2" else "2004"
    player = PLAYER % {"launch": json.dumps(launch), "version": json.dumps(version), "given": json.dumps(given)}

    def route(request_route):
        path = request_route.request.url.removeprefix(ORIGIN).split("?")[0]
        if path == "/player.html":
            return request_route.fulfill(body=player, content_type="text/html; charset=utf-8")
        if path == "/vendor/scorm-again.min.js":
            return request_route.fulfill(path=str(SCORM_AGAIN), content_type="text/javascript")
        name = path.removeprefix("/package/")
        if path.startswith("/package/") and name in members.namelist():
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return request_route.fulfill(body=members.read(name), content_type=kind)
        return request_route.fulfill(status=404, body="")

    page.route(f"{ORIGIN}/**", route)


@pytest.fixture
def player(browser):
    """``player(package, sco_index=0, given=None)`` -> (page, sco frame): the SCO launched under scorm-again, with
    ``given`` (the data model an LMS hands back on relaunch) loaded first."""
    if not SCORM_AGAIN.exists():
        pytest.fail(f"{SCORM_AGAIN} is missing: run `npm ci --ignore-scripts`")
    context = browser.new_context(locale="ru-RU")
    context.set_default_timeout(10_000)

    def launch(package: scos.RealPackage, sco_index: int = 0, given: dict | None = None):
        check = check_package(io.BytesIO(package.data))
        assert check.ok, check.errors
        page = context.new_page()
        serve(page, package, check.scos[sco_index].launch, given)
        page.goto(f"{ORIGIN}/player.html")
        sco = page.frame_locator("#scorm-frame")
        sco.locator("body[data-sco-ready]").wait_for()
        return page, sco

    yield launch
    context.close()


def leave(page) -> dict:
    """The learner goes elsewhere before the end: the SCO's document is unloaded; the data it left is returned."""
    page.evaluate("document.getElementById('scorm-frame').src = 'about:blank'")
    page.wait_for_function("window.finished")
    return page.evaluate("window.saved")


def interactions(saved: dict) -> list[dict]:
    """The interactions of scorm-again's data model (an object keyed by index) in order."""
    return [saved["interactions"][key] for key in sorted(saved["interactions"], key=int)]


def flattened(model: dict, prefix: str = "cmi") -> dict[str, str]:
    """scorm-again's data model as dotted element names, the way a commit reaches the server."""
    elements = {}
    for key, value in model.items():
        if isinstance(value, dict):
            elements.update(flattened(value, f"{prefix}.{key}"))
        else:
            elements[f"{prefix}.{key}"] = value
    return elements


def refusals(page, package: scos.RealPackage | None = None) -> list:
    """What scorm-again refused in the browser, and (given the package) what the server's check of a commit
    (courses/packages/cmi.py) refuses of the data model the SCO left."""
    refused = page.evaluate("window.refused")
    saved = page.evaluate("window.saved")
    if package is not None and saved:
        refused += check_commit(package.version, flattened(saved)).errors
    return refused


def test_scorm_12_single_sco_suspends_resumes_and_passes(player):
    package = scos.scorm12_single()
    config = package.configs["SCO-SERVICE"]
    questions = package.questions()
    page, sco = player(package, given={"student_data": {"mastery_score": "70"}})
    assert sco.locator("#sco-status").inner_text() == "Связь с системой обучения установлена."
    scorm_play.answer(sco, questions[0])
    scorm_play.next_page(sco)
    scorm_play.answer(sco, questions[1])
    scorm_play.next_page(sco)
    saved = leave(page)
    assert refusals(page, package) == []
    assert saved["core"]["lesson_status"] == "incomplete" and saved["core"]["exit"] == "suspend"
    assert saved["core"]["lesson_location"] == "2"
    assert json.loads(saved["suspend_data"])["a"] == {"q-registration": "a", "q-consent": "true"}
    assert [(i["id"], i["type"], i["student_response"], i["result"]) for i in
            interactions(saved)] == [("q-registration", "choice", "a", "correct"),
                                                     ("q-consent", "true-false", "t", "correct")]
    assert page.evaluate("window.commits") >= 3  # launch, each page turn, the exit

    # Relaunched with what the LMS kept: the page where she left, her answers in place.
    given = {"core": {"entry": "resume", "lesson_location": saved["core"]["lesson_location"],
                      "lesson_status": "incomplete"},
             "suspend_data": saved["suspend_data"], "student_data": {"mastery_score": "70"}}
    page, sco = player(package, given=given)
    assert sco.locator("#sco-status").inner_text() == "Вы продолжаете с того места, где остановились."
    sco.get_by_text("Страница 3 из 4", exact=True).wait_for()
    sco.get_by_role("button", name="Назад", exact=True).click()
    assert scorm_play.shown_answer(sco, questions[1]) is True
    scorm_play.next_page(sco)
    scorm_play.play_through(sco, config, start=2)
    sco.get_by_text("Результат: 100 %. Тест пройден.").wait_for()
    page.wait_for_function("window.finished")
    saved = page.evaluate("window.saved")
    assert refusals(page, package) == []
    assert saved["core"]["lesson_status"] == "passed"
    assert saved["core"]["score"] == {"raw": "100", "min": "0", "max": "100"}
    assert [i["type"] for i in interactions(saved)] == ["fill-in", "numeric"]  # journal of this session


def test_scorm_12_single_sco_failed_below_the_mastery_score(player):
    package = scos.scorm12_single()
    page, sco = player(package, given={"student_data": {"mastery_score": "70"}})
    scorm_play.play_through(sco, package.configs["SCO-SERVICE"], right=False)
    sco.get_by_text("Результат: 0 %. Тест не пройден: попробуйте ещё раз.").wait_for()
    saved = page.evaluate("window.saved")
    assert refusals(page, package) == [] and saved["core"]["lesson_status"] == "failed"
    assert {i["result"] for i in interactions(saved)} == {"wrong"}


@pytest.mark.parametrize("sco_index", [0, 1, 2])
def test_scorm_12_multi_sco_each_sco_plays(player, sco_index):
    package = scos.scorm12_multi()
    identifier = package.scos[sco_index][0]
    page, sco = player(package, sco_index, given={"student_data": {"mastery_score": "50"}})
    scorm_play.play_through(sco, package.configs[identifier])
    page.wait_for_function("window.finished")
    saved = page.evaluate("window.saved")
    assert refusals(page, package) == []
    assert saved["core"]["lesson_status"] == "passed"
    if identifier == "SCO-FINAL":  # launched with the item's parameters
        assert page.frames[1].url.endswith("/final/test.html?mode=test")


@pytest.mark.parametrize("build", [scos.scorm2004_3rd, scos.scorm2004_4th])
def test_scorm_2004_passes_with_a_score_and_every_interaction_type(player, build):
    package = build()
    page, sco = player(package, given={"scaled_passing_score": "0.6", "completion_threshold": "0.8"})
    scorm_play.play_through(sco, package.configs["SCO-1"])
    page.wait_for_function("window.finished")
    saved = page.evaluate("window.saved")
    assert refusals(page, package) == []
    assert (saved["completion_status"], saved["success_status"]) == ("completed", "passed")
    assert float(saved["score"]["scaled"]) == 1 and saved["score"]["raw"] == "100"
    assert saved["exit"] == "normal" and saved["session_time"].startswith("PT")
    recorded = interactions(saved)
    assert [i["type"] for i in recorded] == [q["type"] for q in package.questions()]
    assert {i["result"] for i in recorded} == {"correct"}


def test_scorm_2004_suspends_and_resumes(player):
    package = scos.scorm2004_4th()
    questions = package.questions()
    page, sco = player(package)
    scorm_play.answer(sco, questions[0])
    scorm_play.next_page(sco)
    scorm_play.answer(sco, questions[1])
    saved = leave(page)
    assert refusals(page, package) == []
    assert (saved["exit"], saved["location"], saved["completion_status"]) == ("suspend", "1", "incomplete")
    given = {"entry": "resume", "location": saved["location"], "suspend_data": saved["suspend_data"],
             "completion_status": "incomplete"}
    page, sco = player(package, given=given)
    sco.get_by_text("Страница 2 из 4", exact=True).wait_for()
    assert scorm_play.shown_answer(sco, questions[1]) == str(questions[1]["correct"])


def test_pipwerks_sco_finds_the_api_through_the_wrapper_and_commits(player):
    package = scos.scorm12_pipwerks()
    page, sco = player(package)
    assert sco.locator("#sco-status").inner_text() == "Связь с системой обучения установлена."
    assert page.frames[1].evaluate("typeof window.exports.SCORM.API.find") == "function"
    scorm_play.play_through(sco, package.configs["SCO-PIPWERKS"])
    page.wait_for_function("window.finished")
    saved = page.evaluate("window.saved")
    assert refusals(page, package) == []
    assert saved["core"]["lesson_status"] == "passed" and page.evaluate("window.commits") >= 3
    assert page.frames[1].evaluate("window.exports.SCORM.connection.isActive") is False  # pipwerks quit()


def test_a_sco_without_an_lms_says_so(browser):
    """Opened outside any LMS, the SCO still shows its pages and says its answers are not saved."""
    package = scos.scorm12_single()
    context = browser.new_context()
    try:
        page = context.new_page()
        members = zipfile.ZipFile(io.BytesIO(package.data))
        page.route(f"{ORIGIN}/**", lambda r: r.fulfill(
            body=members.read(r.request.url.removeprefix(f"{ORIGIN}/")),
            content_type=mimetypes.guess_type(r.request.url)[0] or "text/plain"))
        page.goto(f"{ORIGIN}/index.html")
        assert page.locator("#sco-status").inner_text() == "Система обучения не найдена: ответы не будут сохранены."
        assert page.get_by_text("Страница 1 из 4", exact=True).is_visible()
    finally:
        context.close()
