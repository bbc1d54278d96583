"""GIFT and Moodle XML: Moodle's own expectations (../shared/conformance), round trips, and the edge cases."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from courses.quizzes.formats import (
    FileDecodeError,
    GiftExportError,
    decode_text_file,
    export_gift,
    export_moodle_xml,
    parse_gift,
    parse_gift_file,
    parse_moodle_xml,
)
from courses.quizzes.formats.common import ALLOWED_FRACTIONS, normalise_category_path
from courses.quizzes.formats.gift import extract_idnumber_and_tags

ROOT = Path(__file__).resolve().parents[3]
CONFORMANCE = ROOT.parent / "shared" / "conformance"
GIFT = CONFORMANCE / "gift"
MOODLE_XML = CONFORMANCE / "moodle-xml"


@pytest.fixture(autouse=True)
def english_messages():
    """The readers' problem messages go through gettext: the tests read their English source, which does not
    change when the Russian catalogue is updated (what the Russian UI shows is up to locale/ru)."""
    with translation.override("en"):
        yield

def _load(name):
    return json.loads((GIFT / name).read_text(encoding="utf-8"))


IMPORT_CASES = [case for name in ("cases.json", "cases_moodle_parser_generated.json")
                for case in _load(name) if "gift" in case]


def only(text):
    result = parse_gift(text)
    assert result.errors == [], result.errors
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


def error_of(text):
    result = parse_gift(text)
    assert result.questions == [] and len(result.errors) == 1, result
    return result.errors[0]


# --- Moodle's expectations -----------------------------------------------------------------------------------

def test_conformance_runner_passes_every_case():
    # The runner calls «python manage.py ...»: put this interpreter's environment first on PATH.
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    proc = subprocess.run([sys.executable, str(GIFT / "check_gift.py")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.stdout.strip().endswith("178 passed, 0 failed"), proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0


@pytest.mark.parametrize("case", IMPORT_CASES, ids=[case["id"] for case in IMPORT_CASES])
def test_gift_round_trip(case):
    first = parse_gift(case["gift"])
    assert first.errors == []
    again = parse_gift(export_gift(first.questions))
    assert again.errors == [] and again.questions == first.questions


@pytest.mark.parametrize("case", IMPORT_CASES, ids=[case["id"] for case in IMPORT_CASES])
def test_moodle_xml_round_trip_of_the_same_questions(case):
    questions = parse_gift(case["gift"]).questions
    again = parse_moodle_xml(export_moodle_xml(questions))
    assert again.errors == [] and again.questions == questions


def test_round_trip_of_whole_fixture_files_keeps_categories():
    for name in ("questions.gift.txt", "questions_in_category.gift.txt", "examples.gift.txt"):
        questions = parse_gift_file((GIFT / "fixtures" / name).read_bytes(), name).questions
        assert parse_gift(export_gift(questions)).questions == questions
        assert parse_moodle_xml(export_moodle_xml(questions)).questions == questions


def test_fixture_files_as_moodle_imports_them():
    fixtures = GIFT / "fixtures"
    plain = parse_gift_file((fixtures / "questions.gift.txt").read_bytes(), "questions.gift.txt")
    assert plain.errors == [] and len(plain.questions) == 9
    assert "What's between orange and green in the spectrum?" in [q["text"] for q in plain.questions]
    in_category = parse_gift_file((fixtures / "questions_in_category.gift.txt").read_bytes())
    assert len(in_category.questions) == 4
    assert {q["category"] for q in in_category.questions} == {"top/Default for New Features"}
    assert in_category.questions[0]["text"] == "Match the activity to the description."
    examples = parse_gift_file((fixtures / "examples.gift.txt").read_bytes())
    assert examples.errors == [] and len(examples.questions) == 43


def test_windows_1252_fixture_is_refused():
    name = "questions_encoding_windows-1252.gift.txt"
    result = parse_gift_file((GIFT / "fixtures" / name).read_bytes(), name)
    assert result.questions == []
    assert result.errors == [{"line": 15, "message": f"The file {name} is not in the UTF-8 encoding (byte 0xF6 on "
                                                     "line 15). Save it as UTF-8."}]


@pytest.mark.parametrize("case", _load("idnumber_tags_cases.json"), ids=lambda case: case["id"])
def test_idnumber_and_tags_from_comments(case):
    idnumber, tags = extract_idnumber_and_tags(case["comment"])
    assert (idnumber, tags) == (case["expected"]["idnumber"], case["expected"]["tags"])


EXPORT_CASES = _load("export_cases.json")


@pytest.mark.parametrize("case", EXPORT_CASES, ids=[case["id"] for case in EXPORT_CASES])
def test_reads_what_moodle_exports(case):
    question = only(case["expected_gift"].replace("{$question->id}", "7"))
    moodle = case["question"]
    if moodle is None:  # the tags-and-ID-number export, made by Moodle's data generator
        assert (question["type"], question["idnumber"], question["tags"]) == ("truefalse", "myid", ["tag1", "tag2"])
        assert question["correct"] is True and question["feedback_true"] == "This is the right answer."
        return
    assert question["type"] == {"match": "matching"}.get(moodle["qtype"], moodle["qtype"])
    assert (question["name"], question["text"]) == (moodle["name"], moodle["questiontext"])
    answers = list((moodle.get("options") or {}).get("answers", {}).values())
    if question["type"] in ("multichoice", "shortanswer"):
        assert [(a["text"], a["fraction"], a["feedback"]) for a in question["answers"]] == [
            (a["answer"], float(a["fraction"]), a["feedback"]) for a in answers]
    if question["type"] == "numerical":
        assert [a["value"] for a in question["answers"]] == [
            None if a["answer"] == "*" else float(a["answer"]) for a in answers]


# --- Moodle XML fixtures -------------------------------------------------------------------------------------

XML_FIXTURES = {
    # file: (types read, categories, errors)
    "broken_cloze_questions.xml": ([], [], 5),
    "categories_reverse_order.xml": (["essay", "shortanswer"], ["top/Sigma/Tau", "top/Sigma"], 0),
    "category_with_description.xml": (["truefalse"], ["top/Alpha"], 0),
    "error_invalid_grades.xml": ([], [], 1),
    "export_category.xml": (["truefalse"], ["top/Alpha"], 0),
    "html_chars_in_idnumbers.xml": (["truefalse"], ["top/Alpha"], 0),
    "multianswer.xml": ([], [], 1),
    "multichoice.xml": (["multichoice"], ["top/Default for testhead/Multichoice"], 0),
    "nested_categories.xml": (["truefalse"], ["top/Delta/Epsilon/Zeta"], 0),
    "nested_categories_with_questions.xml": (
        ["truefalse", "essay", "truefalse", "truefalse", "truefalse"],
        ["top/Iota", "top/Iota/Kappa", "top/Iota/Kappa", "top/Iota/Kappa/Lambda", "top/Iota/Mu"], 0),
    "old_format_file.xml": (["truefalse", "truefalse"], ["top/Pi", "top/Pi/Rho"], 0),
    "sample_questions_with_old_image_tag.xml": (["multichoice"], ["top/Default for Test images in backup"], 1),
    "truefalse.xml": (["truefalse", "truefalse"], ["top/Default for testhead/TrueFalse"] * 2, 0),
}


@pytest.mark.parametrize("name", sorted(XML_FIXTURES))
def test_moodle_xml_fixtures_parse(name):
    types, categories, errors = XML_FIXTURES[name]
    result = parse_moodle_xml((MOODLE_XML / name).read_bytes(), name)
    assert [q["type"] for q in result.questions] == types
    assert [q["category"] for q in result.questions] == categories
    assert len(result.errors) == errors, result.errors
    assert parse_moodle_xml(export_moodle_xml(result.questions)).questions == result.questions


def test_every_moodle_xml_fixture_is_covered():
    assert sorted(path.name for path in MOODLE_XML.glob("*.xml")) == sorted(XML_FIXTURES)


def test_invalid_grades_are_refused_with_the_reason():
    result = parse_moodle_xml((MOODLE_XML / "error_invalid_grades.xml").read_bytes())
    assert result.questions == []
    message = result.errors[0]["message"]
    assert result.errors[0]["line"] == 4
    assert "The answer grade 33 % is not one that Moodle allows" in message and "left out" in message


def test_cloze_is_reported_as_unsupported():
    result = parse_moodle_xml((MOODLE_XML / "multianswer.xml").read_bytes())
    assert result.errors[0]["line"] == 12
    assert "«cloze with images»" in result.errors[0]["message"] and "Cloze" in result.errors[0]["message"]


def test_moodle_xml_details():
    truefalse = parse_moodle_xml((MOODLE_XML / "truefalse.xml").read_bytes())
    wrong, right = truefalse.questions
    assert (wrong["correct"], right["correct"]) == (False, True)
    assert "Your answer is correct." in wrong["feedback_false"] and "incorrect" in wrong["feedback_true"]
    assert wrong["text_format"] == "html" and "documentation about Moodle" in wrong["general_feedback"]
    assert len(truefalse.warnings) == 2 and "Embedded files (4)" in truefalse.warnings[0]["message"]
    greeting = parse_moodle_xml((MOODLE_XML / "multichoice.xml").read_bytes()).questions[0]
    assert greeting["single"] is True and [a["fraction"] for a in greeting["answers"]] == [0.0, 1.0, 0.0, 0.0]
    assert greeting["answers"][1]["feedback"] == "<p>Yes, well done!</p>"
    idnumbers = parse_moodle_xml((MOODLE_XML / "html_chars_in_idnumbers.xml").read_bytes()).questions[0]
    assert idnumbers["idnumber"] == "T & F"
    old = parse_moodle_xml((MOODLE_XML / "sample_questions_with_old_image_tag.xml").read_bytes()).questions[0]
    assert [a["text"] for a in old["answers"]] == ["wrong answer", "another wrong answer", "right answer"]
    assert old["answers"][0]["format"] == "html"  # no format given: the question text's


def test_moodle_xml_refuses_doctype_and_entities():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b"<quiz>&b;</quiz>")
    external = b'<?xml version="1.0"?><!DOCTYPE quiz SYSTEM "file:///etc/passwd"><quiz></quiz>'
    for data in (bomb, external):
        result = parse_moodle_xml(data)
        assert result.questions == [] and "DOCTYPE" in result.errors[0]["message"]


def test_moodle_xml_broken_and_foreign_files():
    assert "cannot be read as XML" in parse_moodle_xml(b"<quiz><question>").errors[0]["message"]
    assert "<quiz> is needed" in parse_moodle_xml(b"<html></html>").errors[0]["message"]
    not_utf8 = '<quiz><question type="essay"><name><text>Эссе</text></name></question></quiz>'.encode("cp1251")
    assert parse_moodle_xml(not_utf8, "bank.xml").errors[0]["message"].startswith(
        "The file bank.xml is not in the UTF-8 encoding")
    declared = ('<?xml version="1.0" encoding="windows-1251"?><quiz><question type="essay"><name><text>Эссе'
                '</text></name><questiontext><text>Расскажите</text></questiontext></question></quiz>')
    essay = parse_moodle_xml(declared.encode("cp1251")).questions[0]
    assert (essay["name"], essay["text"], essay["text_format"]) == ("Эссе", "Расскажите", "html")


def test_moodle_xml_numerical_and_matching():
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="numerical"><name><text>Year</text></name><questiontext format="plain_text"><text>When?</text>
    </questiontext>
    <answer fraction="100"><text>1822</text><tolerance>1</tolerance><feedback><text>Yes</text></feedback></answer>
    <answer fraction="0"><text>*</text><feedback><text>No</text></feedback></answer>
  </question>
  <question type="matching"><name><text>Pairs</text></name><questiontext><text>Match</text></questiontext>
    <subquestion><text>a</text><answer><text>1</text></answer></subquestion>
    <subquestion><text>b</text><answer><text>2</text></answer></subquestion>
    <subquestion><text></text><answer><text>3</text></answer></subquestion>
  </question>
  <question type="ddwtos"><name><text>Drag</text></name></question>
</quiz>"""
    result = parse_moodle_xml(data)
    numerical, matching = result.questions
    assert numerical["text_format"] == "plain"
    assert [(a["value"], a["tolerance"], a["fraction"], a["feedback"]) for a in numerical["answers"]] == [
        (1822.0, 1.0, 1.0, "Yes"), (None, 0.0, 0.0, "No")]
    assert matching["pairs"] == [{"question": "a", "answer": "1"}, {"question": "b", "answer": "2"},
                                 {"question": "", "answer": "3"}]
    assert result.errors[0]["message"] == ("Question «Drag»: The question type «ddwtos» is not supported; "
                                           "the question is left out.")


def test_the_editor_s_case_units_and_grader_information_survive_a_moodle_xml_round_trip():
    common = {"text_format": "moodle", "general_feedback": "", "category": None, "idnumber": "", "tags": []}
    questions = [
        {"type": "shortanswer", "name": "Город", "text": "Где ОНБ?", **common, "usecase": True,
         "answers": [{"text": "Кемерово", "format": "moodle", "fraction": 1.0, "feedback": "",
                      "feedback_format": "moodle"}]},
        {"type": "numerical", "name": "Масса", "text": "Сколько весит пачка?", **common,
         "answers": [{"value": 0.5, "tolerance": 0.0, "fraction": 1.0, "feedback": "", "feedback_format": "moodle"}],
         "units": [{"unit": "кг", "multiplier": 1.0}, {"unit": "г", "multiplier": 1000.0}]},
        {"type": "essay", "name": "Эссе", "text": "Опишите фонд.", **common,
         "grader_info": "Ставьте полный балл за упоминание краеведения."},
    ]
    xml = export_moodle_xml(questions)
    assert b"<usecase>1</usecase>" in xml and "<unit_name>г</unit_name>".encode() in xml
    again = parse_moodle_xml(xml)
    assert again.errors == [] and again.questions == questions


def test_moodle_xml_grader_information_in_html_is_read_as_text_and_a_bad_multiplier_is_refused():
    data = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="essay"><name><text>Эссе</text></name><questiontext><text>О чём?</text></questiontext>
    <graderinfo format="html"><text><![CDATA[<p>Смотрите на <b>источники</b></p>]]></text></graderinfo>
  </question>
  <question type="numerical"><name><text>Длина</text></name><questiontext><text>?</text></questiontext>
    <answer fraction="100"><text>2</text></answer>
    <units><unit><multiplier>0</multiplier><unit_name>см</unit_name></unit></units>
  </question>
</quiz>""".encode()
    with translation.override("ru"):
        result = parse_moodle_xml(data)
    (essay,) = result.questions
    assert essay["grader_info"] == "Смотрите на источники"
    assert result.errors[0]["message"].endswith("У единицы «см» множитель не больше нуля; вопрос пропущен.")


# --- decoding -------------------------------------------------------------------------------------------------

def test_decode_accepts_utf8_with_or_without_bom():
    assert decode_text_file("Вопрос {T}".encode("utf-8"), "q.gift") == "Вопрос {T}"
    assert decode_text_file(b"\xef\xbb\xbf" + "Вопрос {T}".encode("utf-8"), "q.gift") == "Вопрос {T}"


def test_decode_refuses_other_encodings_naming_the_byte_and_line():
    with pytest.raises(FileDecodeError) as refused:
        decode_text_file(b"first\nsecond\ncaf\xe9 {T}\n", "/tmp/upload/questions.gift.txt")
    assert str(refused.value) == ("The file questions.gift.txt is not in the UTF-8 encoding (byte 0xE9 on line 3). "
                                  "Save it as UTF-8.")
    assert refused.value.line == 3
    with pytest.raises(FileDecodeError, match="in the UTF-16 encoding"):
        decode_text_file("Вопрос".encode("utf-16"), "q.txt")
    with pytest.raises(FileDecodeError, match="not in the UTF-8 encoding .byte 0xC2 on line 1."):
        decode_text_file("Вопрос {T}".encode("cp1251"), "q.txt")
    with pytest.raises(FileDecodeError, match="not a text file"):
        decode_text_file(b"PK\x03\x04\x00\x00", "q.docx")


# --- GIFT details ---------------------------------------------------------------------------------------------

def test_escapes():
    question = only(r"::Имя\: с двоеточием:: Фигурные \{скобки\}, \~тильда, \= и \#, слэш \\ и\nперенос {"
                    r"=ответ \= 2 #отзыв \# 1}")
    assert question["name"] == "Имя: с двоеточием"
    assert question["text"] == "Фигурные {скобки}, ~тильда, = и #, слэш \\ и\nперенос"
    assert (question["answers"][0]["text"], question["answers"][0]["feedback"]) == ("ответ = 2", "отзыв # 1")
    # «\\n» is a backslash and an «n»; a backslash before anything else stays.
    assert only(r"Путь C:\\new\dir {}")["text"] == r"Путь C:\new\dir"


def test_weights_negative_and_fractional():
    question = only("Какие города — столицы? {~%50%Москва ~%50%Минск ~%-100%Казань ~%-33.33333%Тула}")
    assert question["type"] == "multichoice" and question["single"] is False
    assert [a["fraction"] for a in question["answers"]] == [0.5, 0.5, -1.0, -0.3333333]
    single = only("Столица? {=Москва ~%25%Санкт-Петербург ~Казань}")
    assert single["single"] is True and [a["fraction"] for a in single["answers"]] == [1.0, 0.25, 0.0]


def test_grades_outside_moodles_list_are_refused():
    problem = error_of("Вопрос {~%33%да ~%67%нет}")
    assert problem["line"] == 1 and "The answer weight 33 % is not one that Moodle allows" in problem["message"]
    assert "An unclear answer weight «%50,5%»" in error_of("Вопрос {~%50,5%да ~нет}")["message"]
    assert 0.3333333 in ALLOWED_FRACTIONS and -0.05 in ALLOWED_FRACTIONS and 0.33 not in ALLOWED_FRACTIONS


def test_numerical_tolerance_ranges_and_several_answers():
    assert only("Год основания? {#1822:2}")["answers"] == [
        {"value": 1822.0, "tolerance": 2.0, "fraction": 1.0, "feedback": "", "feedback_format": "moodle"}]
    ranged = only("Число от 1 до 5? {#1..5}")["answers"][0]
    assert (ranged["value"], ranged["tolerance"]) == (3.0, 2.0)
    negative = only("От −5 до 5 {#-5..5}")["answers"][0]
    assert (negative["value"], negative["tolerance"]) == (0.0, 5.0)
    several = only("Год? {#\n=1822:0#Точно\n=%50%1822:2#Почти\n~#Нет}")
    assert [(a["value"], a["tolerance"], a["fraction"], a["feedback"]) for a in several["answers"]] == [
        (1822.0, 0.0, 1.0, "Точно"), (1822.0, 2.0, 0.5, "Почти"), (None, 0.0, 0.0, "Нет")]
    assert "«3,14» is not a number (separate the fractional part with a dot" in error_of("Пи? {#3,14}")["message"]


def test_missing_word_questions():
    choice = only("Библиотека {~открыта =закрыта ~сгорела} по понедельникам.")
    assert choice["text"] == "Библиотека _____ по понедельникам." and choice["type"] == "multichoice"
    short = only("{=Кемерово} — центр Кузбасса.")
    assert short["text"] == "_____ — центр Кузбасса." and short["answers"][0]["text"] == "Кемерово"
    # Answers at the very end are not a missing word.
    assert only("Центр Кузбасса? {=Кемерово}")["text"] == "Центр Кузбасса?"


def test_types_formats_and_feedback():
    truefalse = only("[html]<p>Земля круглая.</p>{TRUE#Подумайте ещё.#Верно!####Эратосфен измерил её.}")
    assert truefalse["text_format"] == "html" and truefalse["correct"] is True
    assert (truefalse["feedback_true"], truefalse["feedback_false"]) == ("Верно!", "Подумайте ещё.")
    assert truefalse["general_feedback"] == "Эратосфен измерил её."
    assert only("Кратко: {F}")["correct"] is False
    answers = only("[markdown]Выберите {=[html]<b>да</b>#[plain]ок ~нет}")["answers"]
    assert [(a["format"], a["feedback_format"]) for a in answers] == [("html", "plain"), ("markdown", "markdown")]
    matching = only("Сопоставьте. {=Кемерово -> Кузбасс =Томск -> Томская =Новосибирск -> НСО = -> Алтай}")
    assert matching["type"] == "matching" and matching["pairs"][-1] == {"question": "", "answer": "Алтай"}
    essay = only("::Эссе:: Расскажите о своей библиотеке. {####Пример ответа}")
    assert (essay["type"], essay["general_feedback"]) == ("essay", "Пример ответа")
    description = only("::Введение:: Следующие вопросы — о фондах.")
    assert description["type"] == "description" and description["name"] == "Введение"
    unnamed = only("Кто написал «Евгения Онегина»? {=Пушкин}")
    assert unnamed["name"] == "Кто написал «Евгения Онегина»?"


def test_categories():
    result = parse_gift("Без категории {T}\n\n$CATEGORY: $course$/top/Фонды/Учёт\n\nВопрос 1 {T}\n\n"
                        "$CATEGORY: $course$/Каталогизация\n\nВопрос 2 {F}\n\n$CATEGORY: Краеведение\n"
                        "Вопрос 3 {T}")
    assert result.errors == []
    assert [q["category"] for q in result.questions] == [None, "top/Фонды/Учёт", "top/Каталогизация",
                                                          "top/Краеведение"]
    assert normalise_category_path("$course$/top") == "top" and normalise_category_path("") is None
    assert normalise_category_path("$system$/top/Default for System") == "top/Default for System"


def test_idnumber_and_tags_in_comments_before_a_question():
    question = only("// Раздел 2 [id:kem-01] [tag:фонды] [tag: учёт ]\n// [tag:фонды]\n::Вопрос:: Текст {T}")
    assert (question["idnumber"], question["tags"]) == ("kem-01", ["фонды", "учёт"])
    assert only("Без меток {T}")["idnumber"] == "" and only("Без меток {T}")["tags"] == []


def test_errors_name_their_line_and_the_problem():
    result = parse_gift("Первый {T}\n\n// комментарий\n::Второй:: Текст {\n=a\n\n~b\n}\n\nТретий {F}")
    assert [q["name"] for q in result.questions] == ["Первый", "Третий"]
    assert result.errors[0]["line"] == 4
    # the line is a field of its own: the admin preview and the command line put it in front of the message
    assert result.errors[0]["message"].startswith("A curly brace «{» is not closed.")
    unclosed = error_of("::Имя без конца {T}")
    assert unclosed["line"] == 1 and unclosed["message"].startswith("The question's name is not closed")
    assert "only one answer block" in error_of("А {=1} и Б {=2}")["message"]
    assert "An extra closing curly brace" in error_of("Текст } {T}")["message"]
    assert "at least two options" in error_of("Один? {~только}")["message"]
    assert "at least three pairs" in error_of("Пары {=а -> 1 =б -> 2}")["message"]
    assert "An empty question" in error_of("::Только имя::")["message"]


def test_problem_messages_follow_the_active_language(monkeypatch):
    """Every message is looked up through gettext when the file is read (in the language of the request)."""
    from courses.quizzes.formats import common, gift, moodle_xml

    for module in (common, gift, moodle_xml):
        monkeypatch.setattr(module, "_", lambda message: f"[перевод] {message}")
    assert error_of("Текст } {T}")["message"].startswith("[перевод] An extra closing curly brace")
    assert parse_gift_file("Вопрос {T}".encode("cp1251"), "q.gift").errors[0]["message"].startswith("[перевод] ")
    assert parse_moodle_xml(b"<html></html>").errors[0]["message"].startswith("[перевод] This is not")
    assert parse_moodle_xml((MOODLE_XML / "error_invalid_grades.xml").read_bytes()).errors[0]["message"] \
        .startswith("[перевод] Question «")



def test_the_russian_interface_shows_the_problems_in_russian():
    with translation.override("ru"):
        unclosed = error_of("::Имя:: Текст {\n=a")
        not_utf8 = parse_gift_file("Вопрос {T}".encode("cp1251"), "q.gift").errors[0]
        grades = parse_moodle_xml((MOODLE_XML / "error_invalid_grades.xml").read_bytes()).errors[0]
    assert unclosed["line"] == 1 and unclosed["message"].startswith("Фигурная скобка «{» не закрыта")
    assert not_utf8["message"] == "Файл q.gift не в кодировке UTF-8 (байт 0xC2 в строке 1). Сохраните его в UTF-8."
    assert grades["message"].startswith("Вопрос «") and "вопрос пропущен" in grades["message"]

def test_lower_case_true_is_a_short_answer_with_a_warning():
    result = parse_gift("Земля круглая? {true}")
    assert result.questions[0]["type"] == "shortanswer"
    assert "write {TRUE} or {FALSE}" in result.warnings[0]["message"]


def test_export_escapes_and_keeps_tag_like_texts():
    questions = [
        {"type": "shortanswer", "name": "Знаки", "text": "[html] это текст, а не формат: {}~=#\\",
         "text_format": "moodle", "general_feedback": "", "category": None, "idnumber": "a]b", "tags": ["x]y"],
         "answers": [{"text": "%50% скидка", "format": "moodle", "fraction": 1.0, "feedback": "",
                      "feedback_format": "moodle"}]},
        {"type": "multichoice", "name": "Все верны", "text": "Все?", "text_format": "moodle",
         "general_feedback": "", "category": "top/Раздел", "idnumber": "", "tags": [], "single": True,
         "answers": [{"text": "да", "format": "moodle", "fraction": 1.0, "feedback": "", "feedback_format": "moodle"},
                     {"text": "конечно", "format": "moodle", "fraction": 1.0, "feedback": "",
                      "feedback_format": "moodle"}]},
    ]
    assert parse_gift(export_gift(questions)).questions == questions


def test_export_refuses_what_gift_cannot_say():
    arrow = {"type": "shortanswer", "name": "Стрелка", "text": "?", "text_format": "moodle", "general_feedback": "",
             "category": None, "idnumber": "", "tags": [],
             "answers": [{"text": "a -> b", "format": "moodle", "fraction": 1.0, "feedback": "",
                          "feedback_format": "moodle"},
                         {"text": "c", "format": "moodle", "fraction": 0.5, "feedback": "",
                          "feedback_format": "moodle"}]}
    with pytest.raises(GiftExportError, match="Стрелка"):
        export_gift([arrow])
    one = {**arrow, "answers": arrow["answers"][:1]}
    assert parse_gift(export_gift([one])).questions == [one]


# --- the command ----------------------------------------------------------------------------------------------

def test_dry_run_json_prints_one_line_per_file(tmp_path):
    good = tmp_path / "good.gift"
    good.write_text("::Q:: Да? {T}\n\nБлок {\n", encoding="utf-8")
    bad = tmp_path / "bad.gift"
    bad.write_bytes("Вопрос {T}".encode("cp1251"))
    out = StringIO()
    call_command("import_questions", str(good), str(bad), question_format="gift", dry_run=True, json=True,
                 stdout=out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["file"] == str(good) and [q["name"] for q in first["questions"]] == ["Q"]
    assert first["errors"][0]["line"] == 3
    assert second == {"file": str(bad), "questions": [], "errors": [
        {"line": 1, "message": "The file bad.gift is not in the UTF-8 encoding (byte 0xC2 on line 1). "
                               "Save it as UTF-8."}]}


def test_dry_run_reads_moodle_xml(tmp_path):
    out = StringIO()
    call_command("import_questions", str(MOODLE_XML / "old_format_file.xml"), question_format="moodlexml",
                 dry_run=True, json=True, stdout=out)
    line = json.loads(out.getvalue())
    assert [q["category"] for q in line["questions"]] == ["top/Pi", "top/Pi/Rho"] and line["errors"] == []


def test_import_needs_a_course():
    with pytest.raises(CommandError, match="Укажите курс"):
        call_command("import_questions", str(GIFT / "fixtures" / "questions.gift.txt"), question_format="gift")


def test_import_hands_the_questions_to_the_bank(monkeypatch, tmp_path):
    from courses.quizzes import question_bank

    calls = []
    monkeypatch.setattr(question_bank, "import_into_bank",
                        lambda course, category, questions: calls.append((course, category, questions)) or 2)
    good = tmp_path / "good.gift"
    good.write_text("Один {T}\n\nДва {F}\n", encoding="utf-8")
    out = StringIO()
    call_command("import_questions", str(good), question_format="gift", course="bibliography",
                 category="Итоговый тест", stdout=out)
    assert [(course, category, [q["text"] for q in questions]) for course, category, questions in calls] == [
        ("bibliography", "Итоговый тест", ["Один", "Два"])]
    assert "импортировано 2 вопроса" in out.getvalue()

    broken = tmp_path / "broken.gift"
    broken.write_text("Сломан {\n", encoding="utf-8")
    with pytest.raises(CommandError, match="broken.gift"):
        call_command("import_questions", str(broken), question_format="gift", course="bibliography", stdout=out)
    assert len(calls) == 1


# --- bounds (courses/question_formats/common.py): refused whole, nothing read is kept ------------------------------

def _only_refusal(result, fragment):
    assert result.questions == [] and len(result.errors) == 1
    assert fragment in result.errors[0]["message"]


def test_a_gift_question_with_a_huge_text_is_refused_whole():
    data = ("::Обычный:: Столица Кузбасса? {=Кемерово ~Томск}\n\n::Огромный:: " + "б" * 30_000
            + " {=да ~нет}\n").encode()
    _only_refusal(parse_gift_file(data, "q.gift"), "30000")


def test_a_gift_file_of_too_many_questions_is_refused():
    data = "".join(f"::Q{n}:: Вопрос {n}? {{T}}\n\n" for n in range(2_500)).encode()
    _only_refusal(parse_gift_file(data, "q.gift"), "2500")


def test_a_gift_file_of_too_many_lines_is_refused_before_parsing(monkeypatch):
    import courses.quizzes.formats as formats

    monkeypatch.setattr(formats, "parse_gift", lambda text: pytest.fail("parsed"))
    _only_refusal(parse_gift_file(b"\n" * 250_000 + b"::Q:: x {T}", "q.gift"), "250001")


def test_a_gift_question_with_too_many_answers_is_refused():
    answers = " ".join(f"~вариант{n}" for n in range(300))
    _only_refusal(parse_gift_file(f"::Много:: Что? {{=да {answers}}}".encode(), "q.gift"), "301")


def _moodle_xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>{body}</quiz>'.encode()


def test_a_moodle_xml_file_of_too_many_elements_is_refused_while_it_is_read():
    result = parse_moodle_xml(_moodle_xml("<a/>" * 250_000), "q.xml")
    _only_refusal(result, "200000")


def test_a_moodle_xml_file_nested_too_deep_is_refused():
    _only_refusal(parse_moodle_xml(_moodle_xml("<a>" * 100 + "</a>" * 100), "q.xml"), "64")


def test_a_moodle_xml_question_with_a_huge_text_is_refused_whole():
    question = ('<question type="truefalse"><name><text>Большой</text></name><questiontext format="html"><text>'
                + "б" * 30_000 + '</text></questiontext><answer fraction="100"><text>true</text></answer>'
                '<answer fraction="0"><text>false</text></answer></question>')
    _only_refusal(parse_moodle_xml(_moodle_xml(question), "q.xml"), "30000")
