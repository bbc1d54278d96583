"""Options the question editor sets: case-sensitive short answers and numerical units with multipliers. No
database."""

import pytest

from courses.quizzes.grading import grade

CITY = {"type": "shortanswer", "answers": [{"text": "Кемерово", "fraction": 1.0},
                                           {"text": "кемерово", "fraction": 0.5, "feedback": "С маленькой буквы"}]}
MASS = {"type": "numerical", "answers": [{"value": 2.5, "tolerance": 0.1, "fraction": 1.0}],
        "units": [{"unit": "кг", "multiplier": 1.0}, {"unit": "г", "multiplier": 1000.0},
                  {"unit": "т", "multiplier": 0.001}]}


def test_short_answers_ignore_case_unless_the_question_says_otherwise():
    assert grade(CITY, "КЕМЕРОВО").fraction == 1.0  # the best matching answer wins
    sensitive = {**CITY, "usecase": True}
    assert grade(sensitive, "Кемерово").fraction == 1.0
    result = grade(sensitive, "кемерово")
    assert result.fraction == 0.5 and result.feedback == ["С маленькой буквы"]
    assert grade(sensitive, "КЕМЕРОВО").fraction == 0.0
    assert grade({**sensitive, "answers": [{"text": "Кемерово*", "fraction": 1.0}]}, "Кемеровская").fraction == 0


def test_case_sensitive_answers_still_read_yo_as_ye():
    question = {"type": "shortanswer", "usecase": True, "answers": [{"text": "Ёлка", "fraction": 1.0}]}
    assert grade(question, "Елка", fold_yo=True).fraction == 1.0
    assert grade(question, "Елка", fold_yo=False).fraction == 0.0


@pytest.mark.parametrize(("response", "fraction"), [
    ("2,5", 1.0), ("2,5 кг", 1.0), ("2,5кг", 1.0), ("2 500 г", 1.0), ("2450 г", 1.0), ("0,0025 т", 1.0),
    ("3 кг", 0.0), ("2300 г", 0.0),
])
def test_numerical_units_are_divided_by_their_multiplier(response, fraction):
    result = grade(MASS, response)
    assert (result.fraction, result.invalid) == (fraction, False)


@pytest.mark.parametrize("response", ["2,5 фунта", "кг", "2,5 кг кг"])
def test_an_unknown_unit_or_no_number_is_invalid(response):
    result = grade(MASS, response)
    assert result.invalid and result.fraction == 0.0


def test_without_units_a_unit_is_not_accepted():
    assert grade({**MASS, "units": []}, "2,5 кг").invalid
