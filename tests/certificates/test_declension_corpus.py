"""Name declension measured on a corpus: our rules, the petrovich library, and what certificates use.

The corpus (tests/certificates/data/name_corpus.tsv, README.md beside it) holds 2,400 full names with their
genitive and dative from the OpenCorpora dictionary. Each side is told the same gender, the patronymic's, as a
document has it. A full name is right when all three parts are exactly the gold form. Figures and the decision:
docs/declension.md. Print them with `python -m tests.certificates.test_declension_corpus` (from the project root).

Nothing here is skipped, on any Python. petrovich 3 needs Python 3.12: there certificates use the hybrid (petrovich 3
and our rules where it is wrong), compared with petrovich 3. On an older Python certificates use our rules alone
(certificates.russian.petrovich_in_use()), and they are compared with petrovich 2.0.1, the release that runs there,
installed for the tests only by the `test` extra (certificates never use it).
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from certificates import russian

CORPUS = Path(__file__).parent / "data" / "name_corpus.tsv"
CASES = {"genitive": "gen", "dative": "dat"}
PARTS = ("last", "first", "patronymic")

# The petrovich this Python runs, which the comparison uses: 3.x from Python 3.12, else 2.0.1 (the `test` extra).
PETROVICH_3 = sys.version_info >= (3, 12)
PETROVICH = "petrovich 3" if PETROVICH_3 else "petrovich 2.0.1"

# Full names right (of 2,400 per case) as measured on 2026-12-03: a lower count is a regression. «ours» is our rules
# alone, «petrovich 3» (3.0.0) and «petrovich 2.0.1» the library alone, «hybrid» what certificates use on 3.12+.
FLOOR = {
    "ours": {"genitive": 2303, "dative": 2302},
    "petrovich 2.0.1": {"genitive": 2082, "dative": 2127},
    "petrovich 3": {"genitive": 2351, "dative": 2340},
    "hybrid": {"genitive": 2358, "dative": 2347},
}


@cache
def corpus() -> tuple[dict[str, str], ...]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle, delimiter="\t"))


@cache
def petrovich_library():
    """(engine, cases, genders) of the petrovich this Python runs; an error where it is missing, never a skip.

    Both releases have Petrovich().lastname/firstname/middlename(value, case, gender). 3.x exports the classes from
    the package; 2.0.1's package is empty, they live in petrovich.main and petrovich.enums (Case.GENITIVE = 0,
    Case.DATIVE = 1, Gender.MALE = "male", Gender.FEMALE = "female").
    """
    try:
        release = version("petrovich")
        if PETROVICH_3:
            from petrovich import Case, Gender, Petrovich
        else:
            from petrovich.enums import Case, Gender
            from petrovich.main import Petrovich
    except (PackageNotFoundError, ImportError) as error:
        raise AssertionError(f"{PETROVICH} is not installed: pip install -e '.[test]'") from error
    assert release.startswith("3.") if PETROVICH_3 else release == "2.0.1", f"petrovich {release}, not {PETROVICH}"
    return Petrovich(), {"genitive": Case.GENITIVE, "dative": Case.DATIVE}, {
        "male": Gender.MALE, "female": Gender.FEMALE, None: None}


def _gender(row) -> str | None:
    return russian.gender_from_patronymic(row["patronymic"])


def decline_ours(row, case: str) -> tuple[str, str, str]:
    gender = _gender(row)
    return (russian._rules_last_name(row["last"], gender, case), russian._rules_first_name(row["first"], gender, case),
            russian._rules_patronymic(row["patronymic"], gender, case))


def decline_petrovich(row, case: str) -> tuple[str, str, str]:
    engine, cases, genders = petrovich_library()
    gender = genders[_gender(row)]
    return (engine.lastname(row["last"], cases[case], gender), engine.firstname(row["first"], cases[case], gender),
            engine.middlename(row["patronymic"], cases[case], gender))


def decline_kept(row, case: str) -> tuple[str, str, str]:
    """What a certificate gets: the public functions, which decline_full_name joins."""
    gender = _gender(row)
    parts = (russian.decline_last_name(row["last"], gender, case),
             russian.decline_first_name(row["first"], gender, case),
             russian.decline_patronymic(row["patronymic"], gender, case))
    assert russian.decline_full_name(row["last"], row["first"], row["patronymic"], case=case) == " ".join(parts)
    return parts


def gold(row, part: str, case: str) -> list[str]:
    return row[f"{part}_{CASES[case]}"].split("|")


@cache
def score(side: str):
    """(right, wrong): right counts by (case, part or "full") and by (gender, surname kind, case); wrong lists."""
    decline = {"ours": decline_ours, "petrovich": decline_petrovich, "kept": decline_kept}[side]
    right, wrong = Counter(), []
    for row in corpus():
        for case in CASES:
            declined = decline(row, case)
            full = True
            for part, value in zip(PARTS, declined):
                ok = value in gold(row, part, case)
                right[(case, part)] += ok
                if part == "last":
                    right[(row["gender"], row["surname_kind"], case)] += ok
                if not ok:
                    full = False
                    wrong.append((case, part, row["gender"], row[part], value, gold(row, part, case)))
            right[(case, "full")] += full
    return right, wrong


def kept_side() -> str:
    """What certificates use on this Python: the hybrid with petrovich 3, our rules alone without it."""
    return "hybrid" if russian.petrovich_in_use() else "ours"


# --- the corpus ---------------------------------------------------------------------------------------------------

def test_the_corpus_is_large_has_both_genders_and_the_hard_cases():
    rows = corpus()
    assert len(rows) >= 2000
    genders = Counter(row["gender"] for row in rows)
    assert genders["masc"] >= 1000 and genders["femn"] >= 1000
    assert all(_gender(row) == {"masc": "male", "femn": "female"}[row["gender"]] for row in rows)
    kinds = Counter(row["surname_kind"] for row in rows)
    for kind in ("-ко", "-ых/-их", "-ец", "-ок/-ек", "-ь", "adjective", "-ский/-ская", "hyphenated", "consonant",
                 "other vowel", "-а/-я"):
        assert kinds[kind] >= 15, kind
    first_names = {row["first"] for row in rows}
    assert {"Илья", "Никита", "Любовь", "Лев", "Павел", "Пётр"} <= first_names
    women_in_a_consonant = [row for row in rows if row["gender"] == "femn" and row["surname_kind"] == "consonant"]
    assert len(women_in_a_consonant) >= 100
    assert all(row[f"{part}_{suffix}"] for row in rows for part in PARTS for suffix in CASES.values())


# --- the measurements ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES)
def test_our_rules_do_not_regress(case):
    right, _ = score("ours")
    assert right[(case, "full")] >= FLOOR["ours"][case]


@pytest.mark.parametrize("case", CASES)
def test_petrovich_does_not_regress(case):
    """Also a check that the library is called right: a misused petrovich would make the comparison below empty."""
    right, _ = score("petrovich")
    assert right[(case, "full")] >= FLOOR[PETROVICH][case]


@pytest.mark.parametrize("case", CASES)
def test_what_certificates_use_is_at_least_as_right_as_either_side(case):
    """On 3.12+ the hybrid against our rules and petrovich 3; before, our rules against petrovich 2.0.1."""
    kept, _ = score("kept")
    assert kept[(case, "full")] >= FLOOR[kept_side()][case]
    for side in ("ours", "petrovich"):
        other, _ = score(side)
        for part in (*PARTS, "full"):
            assert kept[(case, part)] >= other[(case, part)], (side, part)


def test_certificates_use_petrovich_3_from_python_3_12_and_never_petrovich_2():
    petrovich_library()  # installed on every Python: 2.0.1 before 3.12, for this comparison only
    assert russian.petrovich_in_use() == PETROVICH_3
    assert kept_side() == ("hybrid" if PETROVICH_3 else "ours")


def test_the_words_that_keep_our_rules_get_our_forms():
    """Certificates give our forms of these words on every Python. Where petrovich 3 runs, the reason they are
    kept is checked too: it gets each of them wrong (petrovich 2.0.1 is not consulted, certificates never use it)."""
    engine, cases, genders = petrovich_library()
    for word, gender, case, ours in [
        ("Золя", "male", "genitive", "Золя"),
        ("Рэй", "male", "dative", "Рэю"),
        ("Хемингуэй", "male", "genitive", "Хемингуэя"),
        ("Кучерена", "female", "dative", "Кучерене"),
    ]:
        assert russian.decline_last_name(word, gender, case) == ours
        if PETROVICH_3:
            assert engine.lastname(word, cases[case], genders[gender]) != ours
    for word, ours in [("Дерек", "Дереку"), ("Яцек", "Яцеку")]:
        assert russian.decline_first_name(word, "male", "dative") == ours
        if PETROVICH_3:
            assert engine.firstname(word, cases["dative"], genders["male"]) != ours


# Women's adjective surnames: «н» before -ая is hard (Заболотная → Заболотной, as Заболотный → Заболотному), only
# -няя is soft (Крайняя → Крайней). Our rules once declined -ная soft («Заболотней»).
@pytest.mark.parametrize("last,gender,genitive,dative", [
    ("Заболотная", "female", "Заболотной", "Заболотной"),
    ("Поддубная", "female", "Поддубной", "Поддубной"),
    ("Будённая", "female", "Будённой", "Будённой"),
    ("ЗАБОЛОТНАЯ", "female", "ЗАБОЛОТНОЙ", "ЗАБОЛОТНОЙ"),
    ("Крайняя", "female", "Крайней", "Крайней"),
    ("Верхняя", "female", "Верхней", "Верхней"),
    ("Рыжая", "female", "Рыжей", "Рыжей"),
    ("Толстая", "female", "Толстой", "Толстой"),
    ("Заболотный", "male", "Заболотного", "Заболотному"),
    ("Крайний", "male", "Крайнего", "Крайнему"),
    ("Верхний", "male", "Верхнего", "Верхнему"),
])
def test_adjective_surnames_in_n_are_hard_unless_the_ending_is_soft(last, gender, genitive, dative):
    for case, expected in (("genitive", genitive), ("dative", dative)):
        assert russian._rules_last_name(last, gender, case) == expected
        assert russian.decline_last_name(last, gender, case) == expected


def test_a_woman_in_naya_gets_a_hard_ending_on_a_certificate():
    assert russian.decline_full_name("Заболотная", "Мария", "Петровна") == "Заболотной Марии Петровне"
    assert russian.decline_full_name("Крайняя", "Нина", "Павловна", case="genitive") == "Крайней Нины Павловны"


# --- the figures, for docs/declension.md --------------------------------------------------------------------------

def report() -> str:
    sides = ["ours", "petrovich", "kept"]
    total = len(corpus())
    python = sys.version.split()[0]
    lines = [f"{total} full names, Python {python}; petrovich {version('petrovich')}; kept = {kept_side()}", "",
             "| | " + " | ".join(sides) + " |", "|---" * (len(sides) + 1) + "|"]
    scores = {side: score(side)[0] for side in sides}
    for case in CASES:
        for part in ("full", *PARTS):
            cells = [f"{scores[s][(case, part)]} ({100 * scores[s][(case, part)] / total:.2f} %)" for s in sides]
            lines.append(f"| {case}, {part} | " + " | ".join(cells) + " |")
    lines += ["", "surnames right, genitive + dative, by gender and kind:", ""]
    kinds = sorted({(row["gender"], row["surname_kind"]) for row in corpus()})
    for gender, kind in kinds:
        count = 2 * sum(1 for row in corpus() if (row["gender"], row["surname_kind"]) == (gender, kind))
        cells = [str(sum(scores[s][(gender, kind, case)] for case in CASES)) for s in sides]
        lines.append(f"| {gender} | {kind} | {count} | " + " | ".join(cells) + " |")
    for side in sides:
        wrong = score(side)[1]
        lines += ["", f"{side}: {len(wrong)} wrong parts"]
        lines += [f"  {case} {part} {gender} {word} → {value} (gold {'|'.join(g)})"
                  for case, part, gender, word, value, g in wrong]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
