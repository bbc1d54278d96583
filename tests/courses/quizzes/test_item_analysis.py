"""The item analysis computation on hand-made attempts: facility, discrimination and response distributions."""

import math

import pytest

from courses.quizzes.item_analysis import analyse, pearson

CHOICE = {"question_id": 11, "version": 1, "marks": "1.00", "question": {
    "type": "multichoice", "name": "Стандарт", "single": True,
    "answers": [{"text": "ГОСТ Р 7.0.100–2018", "fraction": 1.0}, {"text": "ГОСТ 7.1–84", "fraction": 0.0}]}}
TRUEFALSE = {"question_id": 12, "version": 1, "marks": "1.00", "question": {"type": "truefalse", "name": "Э(В)БК"}}
SHORT = {"question_id": 13, "version": 1, "marks": "1.00", "question": {"type": "shortanswer", "name": "Город"}}


def attempt(grades, answers, questions=(CHOICE, TRUEFALSE, SHORT)):
    return {"questions": list(questions),
            "answers": {str(i): value for i, value in enumerate(answers)},
            "grades": {str(i): value for i, value in enumerate(grades)}}


# Four attempts: grades of (choice, true/false, short answer) and what was answered.
HAND_MADE = [
    attempt([1, 1, 1], [0, True, "Кемерово"]),
    attempt([1, 0, 1], [0, False, "Кемерово"]),
    attempt([0, 1, 0], [1, True, "Томск"]),
    attempt([0, 0, 0], [None, False, "Новокузнецк"]),
]


def by_id(rows):
    return {row.question_id: row for row in rows}


def test_facility_and_discrimination_on_a_hand_made_set():
    rows = analyse(HAND_MADE)
    assert [row.question_id for row in rows] == [11, 12, 13]
    choice, truefalse, short = rows
    assert [row.attempts for row in rows] == [4, 4, 4]
    assert [row.facility for row in rows] == [50.0, 50.0, 50.0]
    # choice: fractions [1,1,0,0] against the other two questions' percent [100,50,50,0] -> 50/sqrt(1*5000)
    assert choice.discrimination == pytest.approx(1 / math.sqrt(2))
    # true/false: [1,0,1,0] against [100,100,0,0] -> no correlation
    assert truefalse.discrimination == pytest.approx(0.0)
    assert short.discrimination == pytest.approx(1 / math.sqrt(2))
    assert choice.name == "Стандарт" and choice.qtype == "multichoice"


def test_distributions_by_question_type():
    choice, truefalse, short = analyse(HAND_MADE)
    assert choice.distribution == [("ГОСТ Р 7.0.100–2018", 2), ("ГОСТ 7.1–84", 1)] and choice.unanswered == 1
    assert truefalse.distribution == [(True, 2), (False, 2)] and truefalse.unanswered == 0
    assert short.distribution == [("Кемерово", 2), ("Томск", 1), ("Новокузнецк", 1)]


def test_other_types_keep_the_five_most_frequent_responses():
    answers = ["a", "a", "a", "b", "b", "c", "d", "e", "f", ""]
    rows = analyse([{"questions": [SHORT], "answers": {"0": text}, "grades": {"0": 0}} for text in answers])
    assert rows[0].distribution == [("a", 3), ("b", 2), ("c", 1), ("d", 1), ("e", 1)]
    assert rows[0].unanswered == 1 and rows[0].attempts == 10


def test_multiple_answers_count_each_choice():
    multi = {**CHOICE, "question": {**CHOICE["question"], "single": False}}
    rows = analyse([attempt([1], [[0, 1]], [multi]), attempt([0], [[1]], [multi])])
    assert rows[0].distribution == [("ГОСТ Р 7.0.100–2018", 1), ("ГОСТ 7.1–84", 2)]


def test_too_few_attempts_or_no_variance_give_no_discrimination():
    assert all(row.discrimination is None for row in analyse(HAND_MADE[:2]))
    same = [attempt([1, 1, g], [0, True, "x"]) for g in (1, 0, 1, 0)]
    rows = by_id(analyse(same))
    assert rows[11].discrimination is None  # everyone right: zero variance
    assert rows[13].discrimination is None  # the others' percent is constant
    assert rows[11].facility == 100.0 and rows[13].facility == 50.0
    assert pearson([1, 2], [1, 2]) is None and pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)


def test_shuffled_order_descriptions_and_ungraded_essays():
    description = {"question_id": 20, "version": 1, "marks": "0", "question": {"type": "description", "name": "—"}}
    essay = {"question_id": 21, "version": 1, "marks": "2.00", "question": {"type": "essay", "name": "Эссе"}}
    first = {"questions": [description, SHORT, essay, CHOICE],
             "answers": {"1": "Кемерово", "2": "Текст", "3": 0}, "grades": {"1": 1, "2": None, "3": 1}}
    second = {"questions": [CHOICE, essay, SHORT],
              "answers": {"0": 1, "1": "Другой текст", "2": "Томск"}, "grades": {"0": 0, "1": 0.5, "2": 0}}
    rows = by_id(analyse([first, second]))
    assert set(rows) == {13, 21, 11}
    assert rows[21].attempts == 2 and rows[21].facility == 50.0  # the ungraded essay is served, not scored
    assert rows[11].facility == 50.0 and rows[13].facility == 50.0
    assert rows[11].distribution == [("ГОСТ Р 7.0.100–2018", 1), ("ГОСТ 7.1–84", 1)]


def test_the_latest_version_names_the_question_and_nothing_is_empty():
    renamed = {**SHORT, "version": 2, "question": {**SHORT["question"], "name": "Город (новая редакция)"}}
    rows = analyse([attempt([1], ["x"], [SHORT]), attempt([0], ["y"], [renamed])])
    assert rows[0].name == "Город (новая редакция)"
    assert analyse([]) == []


def test_matching_responses_name_their_rows_not_their_indexes():
    matching = {"question_id": 14, "version": 1, "marks": "1.00", "question": {
        "type": "matching", "name": "Города и годы",
        "pairs": [{"question": "Кемерово", "answer": "1918"}, {"question": "Новокузнецк", "answer": "1931"},
                  {"question": "", "answer": "1925"}]}}
    rows = analyse([{"questions": [matching], "answers": {"0": response}, "grades": {"0": 1}}
                    for response in ({"0": "1918", "1": "1931"}, {"1": "1931", "0": "1918"},
                                     {"0": "1931", "1": "1918"})])
    assert rows[0].distribution == [("Кемерово → 1918; Новокузнецк → 1931", 2),
                                    ("Кемерово → 1931; Новокузнецк → 1918", 1)]
