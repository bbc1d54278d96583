"""Grading of every question type with its edge cases; combining attempts. No database."""

import math
from decimal import Decimal

import pytest

from courses.quizzes.grading import GradeResult, attempt_score, grade, overall_grade, parse_number


def choice(text, fraction, feedback=""):
    return {"text": text, "format": "moodle", "fraction": fraction, "feedback": feedback, "feedback_format": "moodle"}


SINGLE = {
    "type": "multichoice", "text": "Какой стандарт описывает библиографическую запись?", "single": True,
    "answers": [choice("ГОСТ Р 7.0.100–2018", 1.0, "Верно"), choice("ГОСТ 7.1–84", 0.0, "Устарел"),
                choice("ISO 9001", -0.5, "Это о качестве"), choice("ГОСТ 7.0.5–2008", 0.5)],
}
MULTI = {
    "type": "multichoice", "text": "Что относится к справочным изданиям?", "single": False,
    "answers": [choice("Словарь", 0.5, "Да, словарь"), choice("Энциклопедия", 0.5, "Да, энциклопедия"),
                choice("Роман", -1.0, "Роман — художественное издание"), choice("Поэма", -0.5)],
}
TRUEFALSE = {"type": "truefalse", "text": "ББК — библиотечно-библиографическая классификация.", "correct": True,
             "feedback_true": "Да, это так.", "feedback_false": "Нет, это именно она."}
SHORT = {
    "type": "shortanswer", "text": "Как называется главный фонд библиотеки?",
    "answers": [choice("Основной фонд", 1.0, "Верно"), choice("Основной", 0.5, "Почти"),
                choice("Ёмкий фонд", 0.25, "Про ёмкость")],
}
NUMERICAL = {
    "type": "numerical", "text": "Число пи с точностью до сотых",
    "answers": [{"value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": "Верно"},
                {"value": 3.0, "tolerance": 0.5, "fraction": 0.5, "feedback": "Грубо"}],
}
MATCHING = {
    "type": "matching", "text": "Сопоставьте",
    "pairs": [{"question": "УДК", "answer": "Универсальная десятичная"},
              {"question": "ББК", "answer": "Библиотечно-библиографическая"},
              {"question": "", "answer": "Десятичная Дьюи"},  # a distractor, not a pair
              {"question": "ISBN", "answer": "Номер книги"}],
}
ESSAY = {"type": "essay", "text": "Опишите работу с читателем-ребёнком."}
DESCRIPTION = {"type": "description", "text": "Следующие вопросы — о каталогизации."}


# --- multichoice, single ---------------------------------------------------------------------------------------

def test_single_choice_right_answer_gets_full_marks_and_its_feedback():
    assert grade(SINGLE, 0) == GradeResult(fraction=1.0, answered=True, feedback=["Верно"])


def test_single_choice_partial_and_wrong_answers():
    assert grade(SINGLE, 3).fraction == 0.5 and grade(SINGLE, 3).feedback == []
    assert grade(SINGLE, 1).fraction == 0.0 and grade(SINGLE, 1).answered


def test_single_choice_negative_weight_is_a_penalty_as_in_moodle():
    assert grade(SINGLE, 2).fraction == -0.5


def test_single_choice_without_response_is_unanswered():
    assert grade(SINGLE, None) == GradeResult(fraction=0.0, answered=False)


@pytest.mark.parametrize("response", [4, 99, -1, -4, 10**100])
def test_single_choice_index_out_of_range_scores_zero(response):
    result = grade(SINGLE, response)
    assert result.fraction == 0.0 and result.invalid and result.feedback == []


@pytest.mark.parametrize("response", ["0", "1", True, False, 0.0, [0], {0}, {"0": 1}, b"0", object()])
def test_single_choice_hostile_response_scores_zero(response):
    result = grade(SINGLE, response)
    assert result.fraction == 0.0 and result.invalid


def test_single_choice_with_broken_answer_fractions_does_not_crash():
    question = {"type": "multichoice", "single": True,
                "answers": [{"text": "a", "fraction": "1"}, {"text": "b", "fraction": float("nan")},
                            {"text": "c", "fraction": 7}, "junk"]}
    assert [grade(question, index).fraction for index in range(4)] == [0.0, 0.0, 1.0, 0.0]


# --- multichoice, several right answers ------------------------------------------------------------------------

def test_multi_choice_all_right_options():
    result = grade(MULTI, [0, 1])
    assert result.fraction == 1.0 and result.feedback == ["Да, словарь", "Да, энциклопедия"]


def test_multi_choice_partial_credit():
    assert grade(MULTI, [1]).fraction == 0.5
    assert grade(MULTI, {0}).fraction == 0.5 and grade(MULTI, (0,)).fraction == 0.5


def test_multi_choice_negative_weights_subtract():
    assert grade(MULTI, [0, 1, 3]).fraction == 0.5


def test_multi_choice_negative_total_is_clamped_at_zero():
    result = grade(MULTI, [2, 3])
    assert result.fraction == 0.0 and result.answered and not result.invalid
    assert grade(MULTI, [0, 2]).fraction == 0.0


def test_multi_choice_choosing_all_options_does_not_pay():
    assert grade(MULTI, [0, 1, 2, 3]).fraction == 0.0


def test_multi_choice_sum_above_one_is_clamped():
    question = {"type": "multichoice", "single": False, "answers": [choice("a", 0.6), choice("b", 0.6)]}
    assert grade(question, [0, 1]).fraction == 1.0


def test_multi_choice_thirds_add_up_without_float_noise():
    question = {"type": "multichoice", "single": False,
                "answers": [choice("a", 0.1), choice("b", 0.2), choice("c", 1 / 3), choice("d", 1 / 3)]}
    assert grade(question, [0, 1]).fraction == 0.3
    assert grade(question, [2, 3]).fraction == round(2 / 3, 7)


@pytest.mark.parametrize("response", [None, [], set(), ()])
def test_multi_choice_nothing_chosen_is_unanswered(response):
    assert grade(MULTI, response) == GradeResult(fraction=0.0, answered=False)


@pytest.mark.parametrize("response", [[0, 4], [-1], [0, "1"], ["0", "1"], [True], [0.0], [[0]], 0, "01", "0,1",
                                      {0: True}, list(range(10**6)), [0] * 10**6])
def test_multi_choice_hostile_response_scores_zero(response):
    result = grade(MULTI, response)
    assert result.fraction == 0.0 and result.invalid and result.feedback == []


# --- truefalse -------------------------------------------------------------------------------------------------

def test_truefalse_right_and_wrong_with_the_feedback_of_the_answer_given():
    assert grade(TRUEFALSE, True) == GradeResult(fraction=1.0, answered=True, feedback=["Да, это так."])
    assert grade(TRUEFALSE, False) == GradeResult(fraction=0.0, answered=True, feedback=["Нет, это именно она."])


def test_truefalse_when_false_is_right():
    question = dict(TRUEFALSE, correct=False)
    assert grade(question, False).fraction == 1.0 and grade(question, True).fraction == 0.0
    assert grade(question, True).feedback == ["Да, это так."]


def test_truefalse_unanswered_and_hostile():
    assert grade(TRUEFALSE, None) == GradeResult(fraction=0.0, answered=False)
    for response in (1, 0, "true", "True", [True]):
        result = grade(TRUEFALSE, response)
        assert result.fraction == 0.0 and result.invalid


# --- shortanswer -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("response", ["Основной фонд", "основной фонд", "ОСНОВНОЙ ФОНД", "  Основной   фонд \n",
                                      "основной\tфонд", "Основной\u00a0фонд"])
def test_shortanswer_ignores_case_and_surrounding_and_repeated_spaces(response):
    assert grade(SHORT, response) == GradeResult(fraction=1.0, answered=True, feedback=["Верно"])


def test_shortanswer_several_accepted_answers_with_their_own_fractions():
    assert grade(SHORT, "основной").fraction == 0.5 and grade(SHORT, "основной").feedback == ["Почти"]
    assert grade(SHORT, "Емкий фонд").fraction == 0.25


def test_shortanswer_wrong_answer_scores_zero_but_is_answered():
    assert grade(SHORT, "Основной фон") == GradeResult(fraction=0.0, answered=True)
    assert grade(SHORT, "Основнойфонд").fraction == 0.0


def test_shortanswer_folds_yo_both_ways_unless_told_not_to():
    assert grade(SHORT, "ЕМКИЙ ФОНД").fraction == 0.25
    assert grade(SHORT, "ёмкий фонд").fraction == 0.25
    assert grade(SHORT, "Емкий фонд", fold_yo=False).fraction == 0.0
    assert grade(SHORT, "Ёмкий фонд", fold_yo=False).fraction == 0.25
    question = {"type": "shortanswer", "answers": [choice("Елка", 1.0)]}
    assert grade(question, "Ёлка").fraction == 1.0 and grade(question, "Ёлка", fold_yo=False).fraction == 0.0


def test_shortanswer_yo_written_with_a_combining_diaeresis():
    assert grade(SHORT, "Е\u0308мкий фонд", fold_yo=False).fraction == 0.25


def test_shortanswer_wildcard():
    question = {"type": "shortanswer",
                "answers": [choice("библиоте*", 1.0, "Корень верный"), choice("*каталог*", 0.5),
                            choice("а*б*в", 0.75)]}
    assert grade(question, "Библиотека").fraction == 1.0
    assert grade(question, "библиоте").fraction == 1.0  # the star matches nothing too
    both = grade(question, "Библиотечный КАТАЛОГ")  # matches two answers: the best one wins
    assert both.fraction == 1.0 and both.feedback == ["Корень верный"]
    assert grade(question, "электронный каталог").fraction == 0.5
    assert grade(question, "абв").fraction == 0.75 and grade(question, "аXXбYYв").fraction == 0.75
    assert grade(question, "ав").fraction == 0.0 and grade(question, "абвг").fraction == 0.0


def test_shortanswer_star_alone_accepts_anything_but_the_best_answer_wins():
    question = {"type": "shortanswer",
                "answers": [choice("*", 0.0, "Неверно"), choice("Кемерово", 1.0, "Верно")]}
    assert grade(question, "Новокузнецк") == GradeResult(fraction=0.0, answered=True, feedback=["Неверно"])
    assert grade(question, "кемерово") == GradeResult(fraction=1.0, answered=True, feedback=["Верно"])
    assert grade(question, "   ") == GradeResult(fraction=0.0, answered=False)


def test_shortanswer_escaped_star_and_regex_characters_are_literal():
    question = {"type": "shortanswer",
                "answers": [choice("a\\*b", 1.0), choice("(x+y)?", 1.0), choice("1.5", 1.0)]}
    assert grade(question, "a*b").fraction == 1.0 and grade(question, "aXb").fraction == 0.0
    assert grade(question, "(x+y)?").fraction == 1.0 and grade(question, "xy").fraction == 0.0
    assert grade(question, "1x5").fraction == 0.0


def test_shortanswer_many_stars_do_not_backtrack():
    question = {"type": "shortanswer", "answers": [choice("*a" * 30 + "*b", 1.0)]}
    assert grade(question, "a" * 100_000).fraction == 0.0
    assert grade(question, "a" * 100_000 + "b").fraction == 1.0


@pytest.mark.parametrize("response", [None, "", "   ", "\n\t"])
def test_shortanswer_empty_is_unanswered(response):
    assert grade(SHORT, response) == GradeResult(fraction=0.0, answered=False)


@pytest.mark.parametrize("response", [1, 3.14, ["Основной фонд"], {"text": "Основной фонд"}, b"x"])
def test_shortanswer_hostile_response_scores_zero(response):
    result = grade(SHORT, response)
    assert result.fraction == 0.0 and result.invalid


def test_shortanswer_skips_empty_and_broken_answers():
    question = {"type": "shortanswer", "answers": [choice("", 1.0), {"text": None, "fraction": 1.0}, "junk",
                                                   choice("да", 1.0)]}
    assert grade(question, "нет").fraction == 0.0 and grade(question, "Да").fraction == 1.0


# --- numerical -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("response", ["3.14", "3,14", 3.14, " 3,14 ", "3.13", "3.15", "3,15", "+3.14", "314e-2"])
def test_numerical_within_tolerance_inclusive(response):
    assert grade(NUMERICAL, response) == GradeResult(fraction=1.0, answered=True, feedback=["Верно"])


def test_numerical_just_outside_the_tolerance_falls_to_the_next_answer():
    assert grade(NUMERICAL, "3.1501").fraction == 0.5
    assert grade(NUMERICAL, "3.1299").fraction == 0.5
    assert grade(NUMERICAL, "3,5") == GradeResult(fraction=0.5, answered=True, feedback=["Грубо"])
    assert grade(NUMERICAL, "2.5").fraction == 0.5
    assert grade(NUMERICAL, "3.5001").fraction == 0.0 and grade(NUMERICAL, "2.4999").fraction == 0.0


def test_numerical_exact_value_without_tolerance():
    question = {"type": "numerical", "answers": [{"value": 1822.0, "tolerance": 0.0, "fraction": 1.0}]}
    assert grade(question, "1822").fraction == 1.0 and grade(question, 1822).fraction == 1.0
    assert grade(question, "1822,0").fraction == 1.0 and grade(question, "1 822").fraction == 1.0
    assert grade(question, "1822.000001").fraction == 0.0 and grade(question, "1821").fraction == 0.0
    assert grade({"type": "numerical", "answers": [{"value": 5, "fraction": 1.0}]}, "5").fraction == 1.0


@pytest.mark.parametrize("low,high", [(1.1, 1.3), (0.1, 0.7), (1812.0, 1815.0), (-2.5, -0.5), (1e6 + 0.1, 1e6 + 0.3),
                                      (1e-9, 3e-9), (-0.3, 0.1), (123456.789, 123456.791)])
def test_numerical_range_ends_are_inside(low, high):
    # The importer gives a range a..b as value (a+b)/2 and tolerance (b-a)/2, computed in floating point.
    question = {"type": "numerical", "answers": [{"value": (low + high) / 2, "tolerance": (high - low) / 2,
                                                  "fraction": 1.0}]}
    assert grade(question, repr(low)).fraction == 1.0 and grade(question, repr(high)).fraction == 1.0
    assert grade(question, low).fraction == 1.0 and grade(question, high).fraction == 1.0
    assert grade(question, (low + high) / 2).fraction == 1.0
    step = (high - low) / 1000
    assert grade(question, low - step).fraction == 0.0 and grade(question, high + step).fraction == 0.0


@pytest.mark.parametrize("response,value", [("1 000 000", 1_000_000), ("1\u00a0000,5", 1000.5), ("-1 234,5", -1234.5),
                                            ("\u22122,5", -2.5), (",5", 0.5), ("5.", 5), ("1,5e3", 1500),
                                            ("1,234", 1.234), (12, 12), (-0.25, -0.25)])
def test_numerical_number_forms(response, value):
    assert parse_number(response) == (Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
    question = {"type": "numerical", "answers": [{"value": value, "tolerance": 0.0, "fraction": 1.0}]}
    assert grade(question, response).fraction == 1.0


def test_numerical_negative_tolerance_counts_as_its_size():
    question = {"type": "numerical", "answers": [{"value": 10.0, "tolerance": -0.5, "fraction": 1.0}]}
    assert grade(question, "10.5").fraction == 1.0 and grade(question, "10.6").fraction == 0.0


def test_numerical_boundary_slack_is_tiny():
    question = {"type": "numerical", "answers": [{"value": 10.0, "tolerance": 0.5, "fraction": 1.0}]}
    assert grade(question, "10,5").fraction == 1.0 and grade(question, "9,5").fraction == 1.0
    assert grade(question, "10.5000001").fraction == 0.0 and grade(question, "9.4999999").fraction == 0.0
    big = {"type": "numerical", "answers": [{"value": 1e12, "tolerance": 0.0, "fraction": 1.0}]}
    assert grade(big, "1 000 000 000 000").fraction == 1.0 and grade(big, "1000000000001").fraction == 0.0
    tiny = {"type": "numerical", "answers": [{"value": 2e-9, "tolerance": 1e-10, "fraction": 1.0}]}
    assert grade(tiny, "2,1e-9").fraction == 1.0 and grade(tiny, "2.2e-9").fraction == 0.0
    zero = {"type": "numerical", "answers": [{"value": 0.0, "tolerance": 0.0, "fraction": 1.0}]}
    assert grade(zero, "0,0").fraction == 1.0 and grade(zero, "-0").fraction == 1.0
    assert grade(zero, "1e-300").fraction == 0.0


def test_numerical_any_other_answer():
    question = dict(NUMERICAL, answers=NUMERICAL["answers"] + [{"value": None, "tolerance": None, "fraction": 0.0,
                                                                 "feedback": "Подумайте ещё"}])
    assert grade(question, "42") == GradeResult(fraction=0.0, answered=True, feedback=["Подумайте ещё"])
    assert grade(question, "3.14").feedback == ["Верно"]  # a better answer beats "any other answer"
    result = grade(question, "сорок два")  # not a number: "any other answer" does not catch it
    assert result.invalid and result.fraction == 0.0 and result.feedback == []


def test_numerical_any_other_answer_can_carry_credit():
    question = {"type": "numerical", "answers": [{"value": 7.0, "tolerance": 0, "fraction": 1.0},
                                                 {"value": None, "fraction": 0.1}]}
    assert grade(question, 7).fraction == 1.0 and grade(question, 8).fraction == 0.1


@pytest.mark.parametrize("response", ["пи", "3.14.15", "3,14,15", "1.234,5", "12 34", "1  23", "1000 000", "3 ,14",
                                      "e5", ".", "-", "1e99999", "nan", "inf", "Infinity", "1_000", "0x10", "٣", "5 м",
                                      "3.14" * 1000, float("nan"), float("inf"), 10**400, True, False, [3.14],
                                      {"value": 3.14}, b"3.14"])
def test_numerical_not_a_number_is_invalid(response):
    result = grade(NUMERICAL, response)
    assert result == GradeResult(fraction=0.0, answered=True, invalid=True)


@pytest.mark.parametrize("response", [None, "", "  "])
def test_numerical_empty_is_unanswered(response):
    assert grade(NUMERICAL, response) == GradeResult(fraction=0.0, answered=False)


def test_numerical_with_broken_answers_does_not_crash():
    question = {"type": "numerical", "answers": ["junk", {"value": "abc", "fraction": 1.0},
                                                 {"value": 2.0, "tolerance": "x", "fraction": 1.0},
                                                 {"value": 2.0, "tolerance": 0.0, "fraction": 0.5}]}
    assert grade(question, 2).fraction == 0.5


# --- matching --------------------------------------------------------------------------------------------------

RIGHT = {0: "Универсальная десятичная", 1: "Библиотечно-библиографическая", 3: "Номер книги"}


def test_matching_all_right():
    assert grade(MATCHING, RIGHT) == GradeResult(fraction=1.0, answered=True)


def test_matching_partial_counts_only_real_pairs():
    response = {**RIGHT, 3: "Десятичная Дьюи"}
    assert grade(MATCHING, response).fraction == round(2 / 3, 7)
    assert grade(MATCHING, {0: "Универсальная десятичная"}).fraction == round(1 / 3, 7)
    assert grade(MATCHING, {0: "Номер книги", 1: "Универсальная десятичная", 3: "Десятичная Дьюи"}).fraction == 0.0


def test_matching_keys_from_json_and_spacing_of_the_chosen_text():
    response = {"0": "Универсальная  десятичная ", "1": "Библиотечно-библиографическая", "3": None}
    assert grade(MATCHING, response).fraction == round(2 / 3, 7)


def test_matching_same_answer_for_two_questions():
    question = {"type": "matching", "pairs": [{"question": "Кемерово", "answer": "Кузбасс"},
                                              {"question": "Новокузнецк", "answer": "Кузбасс"}]}
    assert grade(question, {0: "Кузбасс", 1: "Кузбасс"}).fraction == 1.0


@pytest.mark.parametrize("response", [None, {}, {0: None, 1: ""}, {"0": "  "}])
def test_matching_nothing_chosen_is_unanswered(response):
    assert grade(MATCHING, response) == GradeResult(fraction=0.0, answered=False)


@pytest.mark.parametrize("response", [{2: "Десятичная Дьюи"}, {9: "x"}, {-1: "Номер книги"}, {"a": "x"},
                                      {True: "Библиотечно-библиографическая"}, {0: 1},
                                      {0: ["Универсальная десятичная"]},
                                      {0: "Универсальная десятичная", "0": "Универсальная десятичная"},
                                      {"00": "Универсальная десятичная"}, {" 0": "Универсальная десятичная"},
                                      {i: "x" for i in range(10**5)}, ["Универсальная десятичная"], "УДК"])
def test_matching_hostile_response_scores_zero(response):
    result = grade(MATCHING, response)
    assert result.fraction == 0.0 and result.invalid


# --- essay, description ----------------------------------------------------------------------------------------

def test_essay_waits_for_a_trainer():
    assert grade(ESSAY, "Ребёнку нужен особый подход.") == GradeResult(fraction=None, answered=True, needs_manual=True)
    assert grade(ESSAY, "  ") == GradeResult(fraction=None, answered=False, needs_manual=True)
    assert grade(ESSAY, None) == GradeResult(fraction=None, answered=False, needs_manual=True)
    assert grade(ESSAY, ["x"]).invalid and grade(ESSAY, ["x"]).fraction is None


@pytest.mark.parametrize("response", [None, "", "текст", 5])
def test_description_is_not_graded(response):
    assert grade(DESCRIPTION, response) == GradeResult(fraction=None, answered=False, is_graded=False)


# --- the question itself ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("question", [None, "multichoice", {"type": "cloze"}, {}, {"type": ["essay"]}])
def test_a_question_that_is_not_one_is_a_programming_error(question):
    with pytest.raises(ValueError):
        grade(question, 0)


def test_questions_without_answers_grade_to_zero():
    for qtype in ("multichoice", "shortanswer", "numerical"):
        assert grade({"type": qtype}, 0 if qtype == "multichoice" else "1").fraction == 0.0
    assert grade({"type": "multichoice", "single": False, "answers": None}, [0]).invalid
    assert grade({"type": "matching", "pairs": None}, {0: "x"}).invalid
    assert grade({"type": "truefalse"}, True).fraction == 0.0  # no "correct": True is not right


# --- combining attempts ----------------------------------------------------------------------------------------

ATTEMPTS = [0.4, None, 0.9, 0.6]


@pytest.mark.parametrize("method,expected", [("highest", 0.9), ("last", 0.6), ("first", 0.4), ("average", 0.6333333)])
def test_overall_grade_methods_skip_ungraded_attempts(method, expected):
    assert overall_grade(ATTEMPTS, method) == expected


@pytest.mark.parametrize("method", ["highest", "last", "first", "average"])
def test_overall_grade_without_graded_attempts_is_none(method):
    assert overall_grade([], method) is None and overall_grade([None, None], method) is None


def test_overall_grade_edges():
    assert overall_grade([None, 0.5], "first") == 0.5 and overall_grade([0.5, None], "last") == 0.5
    assert overall_grade([0.1, 0.2], "average") == 0.15 and overall_grade([1.0], "average") == 1.0
    assert overall_grade([0.0, 0.0], "highest") == 0.0
    with pytest.raises(ValueError):
        overall_grade([1.0], "best")


def test_attempt_score():
    assert attempt_score([(1.0, 2.0), (0.5, 1.0), (0.0, 3.0)]) == (2.5, 6.0, True)
    assert attempt_score([(1.0, 2.0), (None, 5.0)]) == (2.0, 7.0, False)
    assert attempt_score([]) == (0.0, 0.0, True)
    assert attempt_score([(0.1, 1.0), (0.2, 1.0)]) == (0.3, 2.0, True)


def test_attempt_score_penalties_do_not_go_below_zero():
    assert attempt_score([(-0.5, 2.0), (0.0, 1.0)]) == (0.0, 3.0, True)
    assert attempt_score([(-0.5, 1.0), (1.0, 1.0)]) == (0.5, 2.0, True)


@pytest.mark.parametrize("marks", [-1.0, math.inf, math.nan])
def test_attempt_score_refuses_impossible_max_marks(marks):
    with pytest.raises(ValueError):
        attempt_score([(1.0, marks)])


def test_a_whole_attempt_from_graded_questions():
    results = [grade(SINGLE, 0), grade(MULTI, [0]), grade(TRUEFALSE, False), grade(SHORT, "ёмкий фонд"),
               grade(NUMERICAL, "3,14"), grade(MATCHING, {0: "Универсальная десятичная"}), grade(ESSAY, "текст")]
    assert attempt_score([(r.fraction, 1.0) for r in results]) == (round(1 + 0.5 + 0 + 0.25 + 1 + 1 / 3, 7), 7.0,
                                                                 False)
