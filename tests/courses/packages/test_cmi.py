"""The SCORM run-time data model checked on the server (courses/packages/cmi.py): each element's valid and invalid
values in SCORM 1.2 and 2004, lengths at the limit and one over, read-only elements, times, interactions."""

from decimal import Decimal

import pytest
from django.utils import translation

from courses.packages.cmi import (
    apply_thresholds,
    check_commit,
    initial_elements,
    parse_time,
    total_time_text,
)

V12, V2004_2ND, V2004_3RD, V2004 = "1.2", "2004 2nd", "2004 3rd", "2004 4th"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


def accepted(version, name, value, **more):
    checked = check_commit(version, {name: value, **more})
    assert checked.errors == [], checked.errors
    return checked


def refused(version, name, value, **more) -> str:
    checked = check_commit(version, {name: value, **more})
    assert name not in checked.elements
    assert len(checked.errors) == 1, checked.errors
    assert checked.errors[0].startswith(f"{name}: "), checked.errors
    return checked.errors[0]


# --- SCORM 1.2 ---------------------------------------------------------------------------------------------------

VALID_12 = [
    ("cmi.core.lesson_location", "slide-12"), ("cmi.core.lesson_location", "x" * 255),
    ("cmi.core.lesson_location", "раздел 3"),
    *[("cmi.core.lesson_status", status) for status in
      ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")],
    ("cmi.core.score.raw", "0"), ("cmi.core.score.raw", "100"), ("cmi.core.score.raw", "87.5"),
    ("cmi.core.score.raw", ".5"), ("cmi.core.score.min", "0"), ("cmi.core.score.max", "100"),
    ("cmi.core.score.raw", ""),
    *[("cmi.core.exit", value) for value in ("time-out", "suspend", "logout", "")],
    ("cmi.core.session_time", "00:00:00"), ("cmi.core.session_time", "0001:30:05.5"),
    ("cmi.core.session_time", "12:00:00.25"), ("cmi.core.session_time", "0:05:00"),
    ("cmi.core.session_time", "9999:59:59.99"),
    ("cmi.suspend_data", "A1B2" * 1024), ("cmi.comments", "Хороший курс"),
    ("cmi.student_preference.audio", "-1"), ("cmi.student_preference.audio", "100"),
    ("cmi.student_preference.language", "ru"), ("cmi.student_preference.speed", "-100"),
    ("cmi.student_preference.text", "1"),
    ("cmi.objectives.0.id", "obj_1"), ("cmi.objectives.3.status", "not attempted"),
    ("cmi.objectives.0.score.raw", "50"),
]

INVALID_12 = [
    ("cmi.core.lesson_location", "x" * 256, "больше 255 символов (256)"),
    ("cmi.core.lesson_status", "complete", "«complete» — недопустимое значение"),
    ("cmi.core.lesson_status", "unknown", "недопустимое значение"),   # a 2004 word
    ("cmi.core.score.raw", "101", "вне диапазона от 0 до 100"),
    ("cmi.core.score.raw", "-1", "вне диапазона"),
    ("cmi.core.score.raw", "80%", "«80%» — не число"),
    ("cmi.core.score.raw", "1e2", "не число"),
    ("cmi.core.exit", "normal", "допустимы: «time-out», «suspend», «logout», пустое значение"),
    ("cmi.core.exit", "timeout", "недопустимое значение"),
    ("cmi.core.session_time", "PT5M", "не соответствует формату: ЧЧЧЧ:ММ:СС.СС"),
    ("cmi.core.session_time", "00:75:00", "ЧЧЧЧ:ММ:СС.СС"),
    ("cmi.core.session_time", "10000:00:00", "ЧЧЧЧ:ММ:СС.СС"),
    ("cmi.core.session_time", "00:01:02.345", "ЧЧЧЧ:ММ:СС.СС"),
    ("cmi.comments", "x" * 4097, "больше 4096 символов (4097)"),
    ("cmi.student_preference.audio", "101", "вне диапазона от -1 до 100"),
    ("cmi.student_preference.speed", "1.5", "не число"),
    ("cmi.student_preference.text", "2", "вне диапазона от -1 до 1"),
    ("cmi.student_preference.language", "x" * 256, "больше 255 символов"),
    ("cmi.objectives.0.id", "вопрос", "идентификатор из латинских букв"),
    ("cmi.objectives.0.status", "unknown", "недопустимое значение"),
    ("cmi.objectives.0.score.max", "200", "вне диапазона"),
    ("cmi.core.score.scaled", "0.5", "такого элемента нет в SCORM 1.2"),   # 2004 only
    ("cmi.location", "p1", "такого элемента нет в SCORM 1.2"),
]


@pytest.mark.parametrize("name, value", VALID_12)
def test_12_valid_values_are_accepted_as_given(name, value):
    assert accepted(V12, name, value).elements == {name: value}


@pytest.mark.parametrize("name, value, reason", INVALID_12)
def test_12_invalid_values_are_refused_with_a_russian_reason(name, value, reason):
    error = refused(V12, name, value)
    assert reason in error
    assert error.endswith("значение не сохранено.") or name == "cmi.suspend_data"


# --- SCORM 2004 --------------------------------------------------------------------------------------------------

VALID_2004 = [
    ("cmi.location", "x" * 1000), ("cmi.location", ""),
    *[("cmi.completion_status", value) for value in ("completed", "incomplete", "not attempted", "unknown")],
    *[("cmi.success_status", value) for value in ("passed", "failed", "unknown")],
    ("cmi.score.scaled", "-1"), ("cmi.score.scaled", "1"), ("cmi.score.scaled", "0.8567"),
    ("cmi.score.raw", "-12.5"), ("cmi.score.raw", "1234567"), ("cmi.score.min", "0"), ("cmi.score.max", "250"),
    ("cmi.progress_measure", "0"), ("cmi.progress_measure", "1"), ("cmi.progress_measure", "0.45"),
    *[("cmi.exit", value) for value in ("time-out", "suspend", "logout", "normal", "")],
    ("cmi.session_time", "PT1H30M5.5S"), ("cmi.session_time", "P1DT2H"), ("cmi.session_time", "PT0H0M0S"),
    ("cmi.session_time", "P1M3W4DT5H6M7.89S"), ("cmi.session_time", "PT0.5H"), ("cmi.session_time", "PT"),
    ("cmi.suspend_data", "z" * 64_000),
    ("cmi.comments_from_learner.0.comment", "{lang=ru}Полезно"), ("cmi.comments_from_learner.0.location", "p2"),
    ("cmi.comments_from_learner.0.timestamp", "2026-11-23T14:05:30+07:00"),
    ("cmi.comments_from_learner.1.timestamp", "2026-11-23T14:05:30.5Z"),
    ("cmi.comments_from_learner.1.timestamp", "2026"),
    ("cmi.learner_preference.audio_level", "1.5"), ("cmi.learner_preference.language", "ru-RU"),
    ("cmi.learner_preference.delivery_speed", "0.75"), ("cmi.learner_preference.audio_captioning", "-1"),
    ("cmi.objectives.0.id", "urn:kuzbass:objective:1"), ("cmi.objectives.0.success_status", "passed"),
    ("cmi.objectives.0.completion_status", "incomplete"), ("cmi.objectives.0.progress_measure", "0.3"),
    ("cmi.objectives.0.description", "{lang=ru}Каталогизация"), ("cmi.objectives.0.score.scaled", "0.5"),
]

INVALID_2004 = [
    ("cmi.location", "x" * 1001, "больше 1000 символов (1001)"),
    ("cmi.completion_status", "passed", "недопустимое значение"),
    ("cmi.completion_status", "browsed", "недопустимое значение"),
    ("cmi.success_status", "completed", "недопустимое значение"),
    ("cmi.score.scaled", "1.01", "вне диапазона от -1 до 1"),
    ("cmi.score.scaled", "-2", "вне диапазона"),
    ("cmi.score.raw", "1e3", "«1e3» — не число"),
    ("cmi.score.raw", "+5", "не число"),
    ("cmi.score.raw", ".5", "не число"),            # real(10,7) wants a digit before the point (1.2 does not)
    ("cmi.score.raw", "123456789", "вне диапазона"),  # more than the columns keep
    ("cmi.progress_measure", "1.5", "вне диапазона от 0 до 1"),
    ("cmi.exit", "timeout", "недопустимое значение"),
    ("cmi.exit", "abandon", "недопустимое значение"),
    ("cmi.session_time", "00:05:00", "длительность по ISO 8601"),
    ("cmi.session_time", "PT5", "длительность по ISO 8601"),
    ("cmi.session_time", "P1.5DT2H", "длительность по ISO 8601"),   # a fraction only on the last part
    ("cmi.session_time", "PT-5S", "длительность по ISO 8601"),
    ("cmi.session_time", "P500D", "длительность P500D больше 9999 часов"),
    ("cmi.suspend_data", "z" * 64_001, f"больше 64{NBSP}000 символов (64{NBSP}001)"),
    ("cmi.comments_from_learner.0.comment", "{lang=ru}" + "я" * 4001, "больше 4000 символов (4001)"),
    ("cmi.comments_from_learner.0.comment", "{lang=русский}текст", "метка языка вида {lang=ru}"),
    ("cmi.comments_from_learner.0.location", "x" * 251, "больше 250 символов"),
    ("cmi.comments_from_learner.0.timestamp", "2026-02-30", "дата и время по ISO 8601"),
    ("cmi.comments_from_learner.0.timestamp", "23.11.2026", "дата и время по ISO 8601"),
    ("cmi.comments_from_learner.0.timestamp", "1969-12-31", "дата и время"),
    ("cmi.learner_preference.audio_level", "-1", "вне диапазона"),
    ("cmi.learner_preference.language", "русский", "код языка"),
    ("cmi.learner_preference.audio_captioning", "2", "недопустимое значение"),
    ("cmi.objectives.0.id", "  ", "идентификатор пуст"),
    ("cmi.objectives.0.id", "o" * 4001, "больше 4000 символов"),
    ("cmi.objectives.0.description", "d" * 251, "больше 250 символов"),
    ("cmi.core.lesson_status", "passed", "такого элемента нет в SCORM 2004"),   # 1.2 only
    ("cmi.launch", "x", "такого элемента нет"),
]


@pytest.mark.parametrize("name, value", VALID_2004)
def test_2004_valid_values_are_accepted_as_given(name, value):
    assert accepted(V2004, name, value).elements == {name: value}


@pytest.mark.parametrize("name, value, reason", INVALID_2004)
def test_2004_invalid_values_are_refused_with_a_russian_reason(name, value, reason):
    assert reason in refused(V2004, name, value)


# --- lengths at the limit and one over ---------------------------------------------------------------------------

@pytest.mark.parametrize("version, limit", [(V12, 4096), (V2004_2ND, 64_000), (V2004_3RD, 64_000), (V2004, 64_000)])
def test_suspend_data_at_the_limit_is_kept_whole_and_one_over_is_refused_never_cut(version, limit):
    whole = "ЖЁ" * (limit // 2)   # characters, not bytes: Cyrillic counts one each
    checked = accepted(version, "cmi.suspend_data", whole)
    assert checked.suspend_data == whole and len(checked.suspend_data) == limit
    over = check_commit(version, {"cmi.suspend_data": whole + "!", "cmi.core.lesson_location" if version == V12
                                  else "cmi.location": "p7"})
    assert over.suspend_data is None and "cmi.suspend_data" not in over.elements   # the saved one stays
    assert over.location == "p7"    # the rest of the commit is kept
    assert len(over.errors) == 1


def test_suspend_data_refusal_reads_in_russian():
    [error] = check_commit(V12, {"cmi.suspend_data": "x" * 4120}).errors
    assert error == ("cmi.suspend_data: больше 4096 символов (4120) — данные для продолжения не сохранены: урок "
                     "продолжится с места, сохранённого раньше.")
    [error] = check_commit(V2004, {"cmi.suspend_data": "x" * 70_000}).errors
    assert error.startswith(f"cmi.suspend_data: больше 64{NBSP}000 символов (70{NBSP}000) — данные для продолжения")


def test_long_values_are_not_echoed_whole_in_the_reason():
    error = refused(V12, "cmi.core.lesson_status", "p" * 5000)
    assert "p" * 40 + "…" in error and len(error) < 300


# --- what is ignored, what is refused, what values look like -----------------------------------------------------

# What scorm-again 3.4.3 commits (renderCommitCMI, flattened) for a fresh API after a few SetValue calls, measured
# with node against /work/main/node_modules/scorm-again: its whole model, read-only elements and "" defaults included.
SCORM_AGAIN_12 = {
    "cmi.suspend_data": "", "cmi.launch_data": "", "cmi.comments": "", "cmi.comments_from_lms": "",
    "cmi.core.student_id": "", "cmi.core.student_name": "", "cmi.core.lesson_location": "p3", "cmi.core.credit": "",
    "cmi.core.lesson_status": "not attempted", "cmi.core.entry": "", "cmi.core.lesson_mode": "normal",
    "cmi.core.exit": "", "cmi.core.session_time": "00:01:02.5", "cmi.core.score.raw": "80", "cmi.core.score.min": "",
    "cmi.core.score.max": "100", "cmi.core.total_time": "00:01:02.5", "cmi.objectives.0.id": "o1",
    "cmi.objectives.0.status": "", "cmi.objectives.0.score.raw": "", "cmi.objectives.0.score.min": "",
    "cmi.objectives.0.score.max": "100", "cmi.student_data.mastery_score": "", "cmi.student_data.max_time_allowed": "",
    "cmi.student_data.time_limit_action": "", "cmi.student_preference.audio": "",
    "cmi.student_preference.language": "", "cmi.student_preference.speed": "", "cmi.student_preference.text": "",
    "cmi.interactions.0.id": "q1", "cmi.interactions.0.time": "", "cmi.interactions.0.type": "choice",
    "cmi.interactions.0.weighting": "", "cmi.interactions.0.student_response": "", "cmi.interactions.0.result": "",
    "cmi.interactions.0.latency": "", "cmi.interactions.0.objectives.0.id": "o1",
    "cmi.interactions.0.correct_responses.0.pattern": "a",
}
SCORM_AGAIN_2004 = {
    "cmi.comments_from_learner.0.comment": "hi", "cmi.comments_from_learner.0.location": "",
    "cmi.comments_from_learner.0.timestamp": "", "cmi.comments_from_lms": {}, "cmi.completion_status": "unknown",
    "cmi.completion_threshold": "", "cmi.credit": "credit", "cmi.entry": "", "cmi.exit": "",
    "cmi.interactions.0.id": "q1", "cmi.interactions.0.type": "choice", "cmi.interactions.0.objectives.0.id": "o1",
    "cmi.interactions.0.timestamp": "", "cmi.interactions.0.weighting": "", "cmi.interactions.0.learner_response": "",
    "cmi.interactions.0.result": "", "cmi.interactions.0.latency": "", "cmi.interactions.0.description": "",
    "cmi.interactions.0.correct_responses.0.pattern": "a", "cmi.launch_data": "", "cmi.learner_id": "",
    "cmi.learner_name": "", "cmi.learner_preference.audio_level": "1", "cmi.learner_preference.language": "",
    "cmi.learner_preference.delivery_speed": "1", "cmi.learner_preference.audio_captioning": "0",
    "cmi.location": "p3", "cmi.max_time_allowed": "", "cmi.mode": "normal", "cmi.objectives.0.id": "o1",
    "cmi.objectives.0.success_status": "unknown", "cmi.objectives.0.completion_status": "unknown",
    "cmi.objectives.0.progress_measure": "", "cmi.objectives.0.description": "", "cmi.objectives.0.score.scaled": "",
    "cmi.objectives.0.score.raw": "", "cmi.objectives.0.score.min": "", "cmi.objectives.0.score.max": "",
    "cmi.progress_measure": "", "cmi.scaled_passing_score": "", "cmi.score.scaled": "0.8", "cmi.score.raw": "",
    "cmi.score.min": "", "cmi.score.max": "", "cmi.session_time": "PT1M2S", "cmi.success_status": "unknown",
    "cmi.suspend_data": "", "cmi.time_limit_action": "continue,no message", "cmi.total_time": "PT1M2S",
    "cmi.interactions": {}, "cmi.objectives": {}, "adl.nav.request": "continue",
}


def test_the_whole_model_scorm_again_commits_passes_and_read_only_elements_are_not_kept():
    checked = accepted(V12, "cmi.core.lesson_location", "p3", **SCORM_AGAIN_12)
    for read_only in ("cmi.core.student_id", "cmi.core.student_name", "cmi.core.credit", "cmi.core.entry",
                      "cmi.core.total_time", "cmi.core.lesson_mode", "cmi.launch_data", "cmi.comments_from_lms",
                      "cmi.student_data.mastery_score"):
        assert read_only not in checked.elements
    assert checked.session_seconds == Decimal("62.50") and checked.score_raw == Decimal(80)
    assert checked.completion_status == "not attempted"

    checked = accepted(V2004, "cmi.location", "p3", **SCORM_AGAIN_2004)
    for read_only in ("cmi.credit", "cmi.mode", "cmi.total_time", "cmi.learner_id", "cmi.completion_threshold",
                      "cmi.scaled_passing_score", "cmi.time_limit_action", "cmi.comments_from_lms", "adl.nav.request"):
        assert read_only not in checked.elements
    assert checked.elements["cmi.comments_from_learner.0.comment"] == "hi"
    assert checked.score_scaled == Decimal("0.8") and checked.session_seconds == Decimal(62)
    assert [item["id"] for item in checked.interactions] == ["q1"]


@pytest.mark.parametrize("version, name", [
    (V12, "cmi.core._children"), (V12, "cmi.interactions._count"), (V12, "cmi._version"),
    (V2004, "cmi.score._children"), (V2004, "cmi.interactions.0.correct_responses._count"),
    (V2004, "cmi.comments_from_lms.0.comment"), (V2004, "cmi.learner_name"), (V2004, "cmi.total_time"),
    (V12, "adl.nav.request"), (V2004, "x.custom"),
])
def test_read_only_and_foreign_elements_are_ignored_not_refused(version, name):
    checked = check_commit(version, {name: "anything, even a bad value: 99:99"})
    assert checked.elements == {} and checked.errors == []


@pytest.mark.parametrize("raw, text", [
    (80, "80"), (87.5, "87.5"), (1e-05, "0.00001"), (Decimal("0.250"), "0.250"), (None, ""), ("42", "42"),
])
def test_numbers_and_none_from_json_are_normalised_to_text(raw, text):
    checked = accepted(V2004, "cmi.score.raw", raw)
    assert checked.elements == {"cmi.score.raw": text}


@pytest.mark.parametrize("raw", [True, {"a": 1}, ["x"]])
def test_values_that_are_not_text_or_numbers_are_refused(raw):
    assert "значение не текст и не число" in refused(V2004, "cmi.location", raw)


def test_an_index_beyond_what_is_kept_is_refused():
    assert "номер 1000 больше, чем хранит платформа" in refused(V2004, "cmi.objectives.1000.id", "o")
    assert "такого элемента нет" in refused(V2004, "cmi.objectives.01.id", "o")   # no leading zeros


# --- statuses, scores, the LMS's thresholds ----------------------------------------------------------------------

@pytest.mark.parametrize("lesson_status, completion, success", [
    ("passed", "completed", "passed"), ("failed", "completed", "failed"), ("completed", "completed", "unknown"),
    ("incomplete", "incomplete", "unknown"), ("not attempted", "not attempted", "unknown"),
    ("browsed", "incomplete", "unknown"), ("", "unknown", "unknown"),
])
def test_12_lesson_status_maps_to_completion_and_success(lesson_status, completion, success):
    checked = accepted(V12, "cmi.core.lesson_status", lesson_status)
    assert (checked.completion_status, checked.success_status) == (completion, success)


def test_2004_statuses_scores_progress_and_exit_are_read():
    checked = check_commit(V2004, {"cmi.completion_status": "completed", "cmi.success_status": "failed",
                                   "cmi.score.scaled": "0.45", "cmi.score.raw": "45", "cmi.score.min": "0",
                                   "cmi.score.max": "100", "cmi.progress_measure": "1", "cmi.exit": "suspend",
                                   "cmi.location": "", "cmi.session_time": "PT2M"})
    assert checked.errors == []
    assert (checked.completion_status, checked.success_status, checked.exit) == ("completed", "failed", "suspend")
    assert (checked.score_scaled, checked.score_raw, checked.score_min, checked.score_max) == (
        Decimal("0.45"), Decimal(45), Decimal(0), Decimal(100))
    assert checked.progress_measure == Decimal(1) and checked.session_seconds == Decimal(120)
    assert checked.location == ""   # committed empty: the saved location is cleared, not kept
    assert check_commit(V2004, {}).location is None


def test_a_refused_status_leaves_the_figures_unknown():
    checked = check_commit(V2004, {"cmi.completion_status": "done", "cmi.score.scaled": "5"})
    assert (checked.completion_status, checked.score_scaled, len(checked.errors)) == ("unknown", None, 2)


@pytest.mark.parametrize("version, elements, figures, expected", [
    (V12, {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "80"}, {"mastery_score": "75"},
     ("completed", "passed")),
    (V12, {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "60"}, {"mastery_score": "75"},
     ("completed", "failed")),
    (V12, {"cmi.core.lesson_status": "incomplete", "cmi.core.score.raw": "60"},
     {"mastery_score": "75", "credit": False}, ("incomplete", "unknown")),
    (V12, {"cmi.core.lesson_status": "incomplete"}, {"mastery_score": "75"}, ("incomplete", "unknown")),
    (V2004, {"cmi.completion_status": "incomplete", "cmi.progress_measure": "0.8"},
     {"completion_threshold": "0.75"}, ("completed", "unknown")),
    (V2004, {"cmi.completion_status": "completed", "cmi.progress_measure": "0.5"},
     {"completion_threshold": "0.75"}, ("incomplete", "unknown")),
    (V2004, {"cmi.success_status": "unknown", "cmi.score.scaled": "0.7"}, {"scaled_passing_score": "0.7"},
     ("unknown", "passed")),
    (V2004, {"cmi.success_status": "passed", "cmi.score.scaled": "0.2"}, {"scaled_passing_score": "0.7"},
     ("unknown", "failed")),
    (V2004, {"cmi.success_status": "passed"}, {"scaled_passing_score": "0.7"}, ("unknown", "passed")),
])
def test_the_lms_thresholds_decide_the_statuses(version, elements, figures, expected):
    checked = apply_thresholds(version, check_commit(version, elements), **figures)
    assert (checked.completion_status, checked.success_status) == expected


# --- time --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("version, text, seconds", [
    (V12, "", "0"), (V12, "00:00:00", "0"), (V12, "0000:01:30.5", "90.50"), (V12, "02:00:00.05", "7200.05"),
    (V12, "9999:59:59.99", "35999999.99"), (V12, "1:00:00", "3600"),
    (V2004, "", "0"), (V2004, "PT", "0"), (V2004, "PT0H0M0S", "0"), (V2004, "PT1M2S", "62"),
    (V2004, "PT1H30M5.5S", "5405.50"), (V2004, "P1D", "86400"), (V2004, "P1W", "604800"),
    (V2004, "P1M", str(30 * 86400)), (V2004, "P1Y", str(365 * 86400)), (V2004, "PT0.25H", "900"),
    (V2004, "PT1,5S", "1.50"), (V2004, "PT0.004S", "0.00"), (V2004, "P1Y2M3DT4H5M6.07S", "36993906.07"),
])
def test_parse_time(version, text, seconds):
    assert parse_time(version, text) == Decimal(seconds)


@pytest.mark.parametrize("version, text", [
    (V12, "PT1M"), (V12, "1:2:3"), (V12, "00:60:00"), (V12, "00:00:60"), (V12, "12345:00:00"), (V12, "-01:00:00"),
    (V12, "00:00:01.234"), (V12, " 00:00:01"),
    (V2004, "T1M"), (V2004, "1M"), (V2004, "PT1.5H30M"), (V2004, "P1H"), (V2004, "PT1D"),
    (V2004, "PTS"), (V2004, "P1DT"), (V2004, "pt1m"), (V2004, "PT1M2S "), (V2004, "00:01:00"),
])
def test_parse_time_refuses_bad_text(version, text):
    with pytest.raises(ValueError):
        parse_time(version, text)


@pytest.mark.parametrize("version, sessions, total", [
    (V12, ["00:10:00", "00:20:30.5", "01:00:00"], "0001:30:30.50"),
    (V2004, ["PT10M", "PT20M30.5S", "PT1H"], "PT1H30M30.5S"),
    (V2004, ["P1D", "PT23H59M59.99S", "PT0.01S"], "PT48H0M0S"),
])
def test_three_sessions_add_up_to_the_total(version, sessions, total):
    seconds = Decimal(0)
    for session in sessions:
        seconds = check_commit(version, {("cmi.core.session_time" if version == V12 else "cmi.session_time"):
                                         session}).session_seconds + seconds
    assert total_time_text(version, seconds) == total
    assert parse_time(version, total) == seconds


@pytest.mark.parametrize("seconds", ["0", "0.01", "59.99", "60", "3599.99", "3600", "86399.5", "1234567.89",
                                     "35999999.99"])
@pytest.mark.parametrize("version", [V12, V2004])
def test_total_time_text_and_parse_time_round_trip(version, seconds):
    assert parse_time(version, total_time_text(version, Decimal(seconds))) == Decimal(seconds)


@pytest.mark.parametrize("version, seconds, text", [
    (V12, "0", "0000:00:00"), (V12, "59.996", "0000:01:00"), (V12, "5405.5", "0001:30:05.50"),
    (V12, "36000000", "9999:59:59.99"), (V12, "-5", "0000:00:00"),
    (V2004, "0", "PT0H0M0S"), (V2004, "5405.5", "PT1H30M5.5S"), (V2004, "90061.25", "PT25H1M1.25S"),
    (V2004, "36000000", "PT10000H0M0S"),
])
def test_total_time_text_forms(version, seconds, text):
    assert total_time_text(version, Decimal(seconds)) == text


# --- interactions ------------------------------------------------------------------------------------------------

def interaction(version, kind, **fields):
    """check_commit of one interaction (index 0, id "q1") of type ``kind`` with ``fields`` (dots as "__")."""
    elements = {"cmi.interactions.0.id": "q1", "cmi.interactions.0.type": kind}
    elements.update({f"cmi.interactions.0.{key.replace('__', '.')}": value for key, value in fields.items()})
    return check_commit(version, elements)


def test_12_interaction_is_returned_in_the_2004_shape():
    checked = check_commit(V12, {
        "cmi.interactions.0.id": "Q_1", "cmi.interactions.0.type": "choice", "cmi.interactions.0.time": "14:05:30",
        "cmi.interactions.0.student_response": "b", "cmi.interactions.0.result": "wrong",
        "cmi.interactions.0.weighting": "2", "cmi.interactions.0.latency": "00:00:12.5",
        "cmi.interactions.0.correct_responses.1.pattern": "c", "cmi.interactions.0.correct_responses.0.pattern": "a",
        "cmi.interactions.0.objectives.0.id": "obj_1",
        "cmi.interactions.1.id": "Q_2", "cmi.interactions.1.type": "numeric", "cmi.interactions.1.result": "75.5",
    })
    assert checked.errors == [] and checked.elements == {}
    assert checked.interactions == [
        {"index": 0, "id": "Q_1", "type": "choice", "description": "", "learner_response": "b",
         "correct_responses": ["a", "c"], "result": "incorrect", "weighting": Decimal(2),
         "latency_seconds": Decimal("12.50"), "timestamp": "14:05:30"},
        {"index": 1, "id": "Q_2", "type": "numeric", "description": "", "learner_response": "",
         "correct_responses": [], "result": "75.5", "weighting": None, "latency_seconds": None, "timestamp": ""},
    ]
    assert checked.interaction_objectives == {0: ["obj_1"]}


@pytest.mark.parametrize("name, value, reason", [
    ("type", "long-fill-in", "недопустимое значение"),          # 2004 only
    ("time", "25:00:00", "ЧЧ:ММ:СС.СС"), ("time", "2026-11-23T14:05:30", "ЧЧ:ММ:СС.СС"),
    ("result", "incorrect", "недопустимое значение"),            # 1.2 says "wrong"
    ("weighting", "150", "вне диапазона от -100 до 100"), ("latency", "PT5S", "ЧЧЧЧ:ММ:СС.СС"),
    ("student_response", "x" * 4097, "больше 4096 символов"), ("objectives.0.id", "цель", "латинских букв"),
])
def test_12_interaction_fields_refused(name, value, reason):
    checked = interaction(V12, "choice", **{name.replace(".", "__"): value})
    [error] = checked.errors
    assert error.startswith(f"cmi.interactions.0.{name}: ") and reason in error
    assert checked.interactions[0]["id"] == "q1"    # the interaction keeps its other fields


def test_2004_interaction_with_every_field():
    checked = check_commit(V2004, {
        "cmi.interactions.0.id": "urn:kuzbass:q:1", "cmi.interactions.0.type": "fill-in",
        "cmi.interactions.0.timestamp": "2026-11-23T14:05:30.5+07:00", "cmi.interactions.0.weighting": "1.5",
        "cmi.interactions.0.learner_response": "Кемерово", "cmi.interactions.0.result": "correct",
        "cmi.interactions.0.latency": "PT1M5S", "cmi.interactions.0.description": "{lang=ru}Столица Кузбасса?",
        "cmi.interactions.0.correct_responses.0.pattern": "{case_matters=false}{lang=ru}Кемерово",
    })
    assert checked.errors == []
    assert checked.interactions == [{
        "index": 0, "id": "urn:kuzbass:q:1", "type": "fill-in", "description": "{lang=ru}Столица Кузбасса?",
        "learner_response": "Кемерово", "correct_responses": ["{case_matters=false}{lang=ru}Кемерово"],
        "result": "correct", "weighting": Decimal("1.5"), "latency_seconds": Decimal(65),
        "timestamp": "2026-11-23T14:05:30.5+07:00"}]


# (type, learner_response, correct pattern): each accepted
VALID_RESPONSES = [
    ("true-false", "true", "false"),
    ("choice", "a[,]c", "a[,]c"), ("choice", "Ответ один", "Ответ один"), ("choice", "", ""),
    ("fill-in", "{lang=ru}библиотека[,]фонд", "{case_matters=true}{order_matters=false}библиотека[,]фонд"),
    ("long-fill-in", "я" * 4000, "{case_matters=false}" + "я" * 4000),
    ("matching", "a[.]1[,]b[.]2", "a[.]1[,]b[.]2"),
    ("performance", "step1[.]open[,][.]42", "{order_matters=true}step1[.]open[,]step2[.]1[:]5"),
    ("sequencing", "c[,]a[,]b[,]a", "c[,]a[,]b[,]a"),
    ("likert", "agree", "agree"),
    ("numeric", "3.14", "3[:]4"), ("numeric", "-2", "[:]10"), ("numeric", "7", "7"),
    ("other", "любой текст, даже [,] и [.]", "что угодно"),
]

# (type, field, value): each refused with "не подходит как ответ на взаимодействие типа"
INVALID_RESPONSES = [
    ("true-false", "learner_response", "t"), ("true-false", "learner_response", "1"),
    ("true-false", "correct_responses.0.pattern", "yes"),
    ("choice", "learner_response", "a[,]a"), ("choice", "learner_response", "[,]".join("x" * 37)),
    ("fill-in", "learner_response", "[,]".join(["a"] * 11)), ("fill-in", "learner_response", "я" * 251),
    ("long-fill-in", "correct_responses.0.pattern", "я" * 4001),
    ("matching", "learner_response", "a[.]1[,]b"), ("matching", "correct_responses.0.pattern", "a 1[.]b"),
    ("performance", "learner_response", "[.]"), ("performance", "learner_response", "шаг[.]x"),
    ("sequencing", "learner_response", "a b"), ("sequencing", "learner_response", "[,]".join("x" * 37)),
    ("likert", "learner_response", "a[,]b"),
    ("numeric", "learner_response", "abc"), ("numeric", "learner_response", "1[:]2"),
    ("numeric", "correct_responses.0.pattern", "5[:]1"), ("numeric", "correct_responses.0.pattern", "a[:]1"),
    ("other", "learner_response", "x" * 4001),
]


@pytest.mark.parametrize("kind, response, pattern", VALID_RESPONSES)
def test_2004_responses_of_each_type_are_accepted(kind, response, pattern):
    checked = interaction(V2004, kind, learner_response=response, correct_responses__0__pattern=pattern)
    assert checked.errors == []
    [item] = checked.interactions
    assert (item["type"], item["learner_response"], item["correct_responses"]) == (kind, response, [pattern])


@pytest.mark.parametrize("kind, name, value", INVALID_RESPONSES)
def test_2004_responses_that_do_not_fit_the_type_are_refused(kind, name, value):
    checked = interaction(V2004, kind, **{name.replace(".", "__"): value})
    [error] = checked.errors
    assert error.startswith(f"cmi.interactions.0.{name}: ")
    assert f"не подходит как ответ на взаимодействие типа «{kind}» (ожидается: " in error
    [item] = checked.interactions
    assert item["id"] == "q1" and item["learner_response"] == "" and item["correct_responses"] == []


@pytest.mark.parametrize("name, value, reason", [
    ("id", "", "у взаимодействия нет идентификатора"), ("type", "essay", "недопустимое значение"),
    ("result", "wrong", "недопустимое значение"), ("result", "12e3", "недопустимое значение"),
    ("timestamp", "14:05:30", "дата и время"), ("latency", "00:00:05", "длительность по ISO 8601"),
    ("weighting", "heavy", "не число"), ("description", "x" * 251, "больше 250 символов"),
    ("objectives.0.id", "", "у взаимодействия нет идентификатора"),
])
def test_2004_interaction_fields_refused(name, value, reason):
    elements = {"cmi.interactions.0.id": "q1", "cmi.interactions.0.result": "correct",
                f"cmi.interactions.0.{name}": value}
    if name == "objectives.0.id":
        elements["cmi.interactions.0.id"] = ""
    checked = check_commit(V2004, elements)
    [error] = checked.errors
    assert reason in error


def test_an_interaction_without_identifier_is_dropped_and_a_blank_one_is_silent():
    checked = check_commit(V2004, {"cmi.interactions.0.result": "correct", "cmi.interactions.1.id": "",
                                   "cmi.interactions.1.result": "", "cmi.interactions.2.id": "q3"})
    assert checked.errors == ["cmi.interactions.0: у взаимодействия нет идентификатора (cmi.interactions.0.id) — "
                              "его данные не сохранены."]
    assert [item["index"] for item in checked.interactions] == [2]


def test_responses_are_not_checked_by_type_when_the_type_is_not_given():
    checked = check_commit(V2004, {"cmi.interactions.0.id": "q1", "cmi.interactions.0.learner_response": "t"})
    assert checked.errors == [] and checked.interactions[0]["learner_response"] == "t"


# --- what scorm-again 3.4.3 accepts, beside what we accept -------------------------------------------------------
# Measured with node: SetValue / LMSSetValue on a fresh Scorm12API / Scorm2004API from node_modules/scorm-again,
# then GetLastError (0 = accepted). Where the two differ, the reason is in the last column; elsewhere they agree.
# Our server is the last word: what it refuses is reported (errors) and the saved value stays.
SCORM_AGAIN = [
    # version, element, value, scorm-again accepts, we accept, why we differ
    (V12, "cmi.suspend_data", "x" * 4097, True, False, "issue #17 keeps 1.2's CMIString4096"),
    (V12, "cmi.core.score.raw", "101", False, False, ""),
    (V12, "cmi.core.score.raw", ".5", True, True, ""),
    (V12, "cmi.core.session_time", "0:01:02", True, True, ""),
    (V12, "cmi.core.session_time", "00:75:00", True, False, "75 minutes in the minutes field is a SCO's bug"),
    (V12, "cmi.core.session_time", "10000:00:00", True, False, "the standard has four hour digits"),
    (V12, "cmi.core.lesson_location", "x" * 256, False, False, ""),
    (V12, "cmi.interactions.0.id", "a b", True, True, ""),
    (V12, "cmi.interactions.0.id", "вопрос", False, False, ""),
    (V12, "cmi.interactions.0.weighting", "150", False, False, ""),
    (V12, "cmi.interactions.0.result", "wrong", True, True, ""),
    (V12, "cmi.interactions.0.student_response", "x" * 300, True, True, ""),
    (V2004, "cmi.exit", "timeout", False, False, ""),
    (V2004, "cmi.exit", "time-out", True, True, ""),
    (V2004, "cmi.session_time", "PT1.5H", True, True, ""),
    (V2004, "cmi.session_time", "P1W", True, True, ""),
    (V2004, "cmi.session_time", "PT", True, True, ""),
    (V2004, "cmi.session_time", "PT1.234S", False, True, "over-precise, not wrong: kept to 0.01 s"),
    (V2004, "cmi.suspend_data", "x" * 64_001, False, False, ""),
    (V2004, "cmi.location", "x" * 1001, False, False, ""),
    (V2004, "cmi.score.scaled", "1.5", False, False, ""),
    (V2004, "cmi.score.raw", "1e3", False, False, ""),
    (V2004, "cmi.score.raw", "1234567890", True, False, "numeric(12,4) columns keep eight digits"),
    (V2004, "cmi.progress_measure", "1.01", False, False, ""),
    (V2004, "cmi.interactions.0.timestamp", "2026-11-23T14:05:30+07:00", False, True,
     "ISO 8601 allows a zone after whole seconds; the RTE's brackets and scorm-again do not"),
    (V2004, "cmi.interactions.0.timestamp", "2026-02-30", True, False, "no such day"),
    (V2004, "cmi.interactions.0.result", "wrong", False, False, ""),
    (V2004, "cmi.interactions.0.latency", "PT5S", True, True, ""),
]


@pytest.mark.parametrize("version, name, value, theirs, ours, why", SCORM_AGAIN)
def test_decisions_beside_scorm_again(version, name, value, theirs, ours, why):
    elements = {name: value}
    if name.startswith("cmi.interactions.0.") and not name.endswith(".id"):
        elements["cmi.interactions.0.id"] = "q1"
    checked = check_commit(version, elements)
    assert (checked.errors == []) is ours, checked.errors
    assert bool(why) is (theirs != ours)   # every difference has its reason written down


# --- launch ------------------------------------------------------------------------------------------------------

def test_12_first_launch_then_resume_with_score_and_mastery_score():
    first = initial_elements(V12, learner_id="7", learner_name="Иванова, Мария", saved={}, total_seconds=Decimal(0),
                             launch_data="level=2", mastery_score="80")
    assert first["cmi.core.entry"] == "ab-initio" and first["cmi.core.lesson_status"] == "not attempted"
    assert first["cmi.core.total_time"] == "0000:00:00" and first["cmi.launch_data"] == "level=2"
    assert first["cmi.student_data.mastery_score"] == "80" and "cmi.core.score.raw" not in first
    saved = {"cmi.core.exit": "suspend", "cmi.core.lesson_location": "p7", "cmi.suspend_data": "s" * 4096,
             "cmi.core.lesson_status": "incomplete", "cmi.core.score.raw": "55", "cmi.core.score.min": ""}
    again = initial_elements(V12, learner_id="7", learner_name="Иванова, Мария", saved=saved,
                             total_seconds=Decimal("5405.5"))
    assert again["cmi.core.entry"] == "resume" and again["cmi.core.lesson_location"] == "p7"
    assert again["cmi.suspend_data"] == "s" * 4096 and again["cmi.core.total_time"] == "0001:30:05.50"
    assert again["cmi.core.score.raw"] == "55" and "cmi.core.score.min" not in again
    assert "cmi.student_data.mastery_score" not in again


def test_2004_launch_gives_threshold_passing_score_and_what_was_saved():
    saved = {"cmi.exit": "suspend", "cmi.location": "p3", "cmi.suspend_data": "z" * 64_000,
             "cmi.completion_status": "incomplete", "cmi.score.scaled": "0.4", "cmi.progress_measure": "0.5"}
    data = initial_elements(V2004, learner_id="7", learner_name="Иванова, Мария", saved=saved,
                            total_seconds=Decimal(62), completion_threshold="0.8", scaled_passing_score="0.7")
    assert data["cmi.entry"] == "resume" and data["cmi.location"] == "p3" and len(data["cmi.suspend_data"]) == 64_000
    assert data["cmi.total_time"] == "PT0H1M2S" and data["cmi.success_status"] == "unknown"
    assert (data["cmi.completion_threshold"], data["cmi.scaled_passing_score"]) == ("0.8", "0.7")
    assert (data["cmi.score.scaled"], data["cmi.progress_measure"]) == ("0.4", "0.5")
    plain = initial_elements(V2004, learner_id="7", learner_name="М", saved={"cmi.exit": "normal"},
                             total_seconds=Decimal(0))
    assert plain["cmi.entry"] == "" and "cmi.completion_threshold" not in plain
    assert "cmi.scaled_passing_score" not in plain
