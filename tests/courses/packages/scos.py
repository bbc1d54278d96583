"""Real SCORM test packages: SCOs that run (courses/packages/sample_sco.py: our own HTML + JS that finds the API
as authoring tools' runtimes do, resumes, records interactions, scores and finishes), in manifests written by
builders.py. Each ``*_package()`` gives a ``RealPackage``: the zip and what a test needs to play it.

- ``scorm12_single``: SCORM 1.2, one SCO, four pages (choice, true-false, fill-in, numeric), mastery score 70;
- ``scorm12_multi``: SCORM 1.2, three SCOs in nested items (a module of two, then the final test with parameters),
  the engine shared by the SCOs in ``shared/``;
- ``scorm2004_3rd``: SCORM 2004 3rd edition, choice, sequencing and matching;
- ``scorm2004_4th``: SCORM 2004 4th edition with a completion threshold (progress measure 0.8) and a scaled passing
  score (0.6) in the manifest;
- ``scorm12_pipwerks``: SCORM 1.2 whose SCO talks through the pipwerks SCORM wrapper, the npm package
  ``pipwerks-scorm-api-wrapper`` (package.json, devDependencies), read from node_modules when the zip is built.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from courses.packages.sample_sco import SCO_SCRIPT, SCO_STYLE, sco_page

from . import builders as b

ROOT = Path(__file__).resolve().parents[3]
PIPWERKS_BUNDLE = ROOT / "node_modules" / "pipwerks-scorm-api-wrapper" / "index.js"

CHOICE = {"id": "q-registration", "type": "choice", "prompt": "Какой документ нужен для записи в библиотеку?",
          "options": [["a", "Паспорт или другой документ, удостоверяющий личность"], ["b", "Трудовая книжка"],
                      ["c", "Справка с места работы"]], "correct": "a"}
TRUE_FALSE = {"id": "q-consent", "type": "true-false",
              "prompt": "Согласие читателя на обработку персональных данных берут при записи в библиотеку.",
              "correct": True}
FILL_IN = {"id": "q-abbreviation", "type": "fill-in",
           "prompt": "Как сокращённо называется Государственный стандарт Российской Федерации?",
           "correct": ["ГОСТ", "ГОСТ Р"]}
NUMERIC = {"id": "q-days", "type": "numeric", "prompt": "На сколько дней обычно выдают книгу на дом?",
           "correct": 30}
SEQUENCING = {"id": "q-steps", "type": "sequencing", "prompt": "Расположите шаги справочного интервью по порядку.",
              "options": [["listen", "Выслушать запрос"], ["clarify", "Уточнить тему и цель"],
                          ["answer", "Дать ответ и источники"]],
              "correct": ["listen", "clarify", "answer"]}
MATCHING = {"id": "q-areas", "type": "matching", "prompt": "Сопоставьте область описания и её содержание.",
            "options": [["title", "Область заглавия"], ["imprint", "Область выходных данных"]],
            "targets": [["place", "Место и год издания"], ["name", "Основное заглавие"]],
            "correct": {"title": "name", "imprint": "place"}}


def page(title: str, question: dict | None = None, text: str = "") -> dict:
    return {"title": title, "text": text or f"<p>{title}: учебный текст страницы.</p>", "question": question}


@dataclass
class RealPackage:
    """A built package: ``data`` (the zip), its ``version`` as the check names it, the SCOs' identifiers and
    titles in order, and per SCO the configuration its page plays (pages, questions, correct answers)."""

    data: bytes
    version: str
    title: str
    scos: list[tuple[str, str]]
    configs: dict[str, dict] = field(default_factory=dict)

    def questions(self, sco: str | None = None) -> list[dict]:
        config = self.configs[sco or self.scos[0][0]]
        return [p["question"] for p in config["pages"] if p.get("question")]


def _config(version: str, title: str, pages: list[dict], wrapper: str = "own") -> dict:
    return {"version": "2004" if version.startswith("2004") else "1.2", "wrapper": wrapper, "title": title,
            "passing": 0.7, "pages": copy.deepcopy(pages)}


def _engine(folder: str = "") -> dict[str, str]:
    return {f"{folder}sco.js": SCO_SCRIPT, f"{folder}sco.css": SCO_STYLE}


def scorm12_single() -> RealPackage:
    title = "Обслуживание читателей: практикум"
    config = _config("1.2", title, [page("Запись в библиотеку", CHOICE), page("Персональные данные", TRUE_FALSE),
                                    page("Стандарты", FILL_IN), page("Сроки выдачи", NUMERIC)])
    manifest = b.manifest_12(title, [{"id": "SCO-SERVICE", "ref": "RES-1", "title": title,
                                      "extra": "<adlcp:masteryscore>70</adlcp:masteryscore>"}],
                             [{"id": "RES-1", "href": "index.html", "files": ["index.html", "sco.js", "sco.css"]}])
    data = b.build_zip({"imsmanifest.xml": manifest, "index.html": sco_page(config), **_engine()})
    return RealPackage(data, "1.2", title, [("SCO-SERVICE", title)], {"SCO-SERVICE": config})


def scorm12_multi() -> RealPackage:
    title = "Работа с читателями: модульный курс"
    intro = _config("1.2", "Введение", [page("О курсе"), page("Читатель и библиотека", TRUE_FALSE)])
    practice = _config("1.2", "Практика", [page("Запись читателя", CHOICE)])
    final = _config("1.2", "Итоговый тест", [page("Вопрос 1", FILL_IN), page("Вопрос 2", NUMERIC)])
    items = [
        {"id": "MODULE-1", "title": "Модуль 1. Основы", "children": [
            {"id": "SCO-INTRO", "ref": "RES-INTRO", "title": "Введение"},
            {"id": "SCO-PRACTICE", "ref": "RES-PRACTICE", "title": "Практика"},
        ]},
        {"id": "SCO-FINAL", "ref": "RES-FINAL", "title": "Итоговый тест", "parameters": "?mode=test",
         "extra": "<adlcp:masteryscore>50</adlcp:masteryscore>"},
    ]
    shared = ["shared/sco.js", "shared/sco.css"]
    resources = [
        {"id": "RES-INTRO", "href": "intro/index.html", "files": ["intro/index.html", *shared]},
        {"id": "RES-PRACTICE", "href": "practice/index.html", "files": ["practice/index.html", *shared]},
        {"id": "RES-FINAL", "href": "final/test.html", "files": ["final/test.html", *shared]},
        {"id": "RES-SHARED", "type": "asset", "files": shared},
    ]
    files = {"imsmanifest.xml": b.manifest_12(title, items, resources), **_engine("shared/")}
    for path, config in (("intro/index.html", intro), ("practice/index.html", practice), ("final/test.html", final)):
        files[path] = sco_page(config, script="../shared/sco.js", style="../shared/sco.css")
    return RealPackage(b.build_zip(files), "1.2", title,
                       [("SCO-INTRO", "Введение"), ("SCO-PRACTICE", "Практика"), ("SCO-FINAL", "Итоговый тест")],
                       {"SCO-INTRO": intro, "SCO-PRACTICE": practice, "SCO-FINAL": final})


def _scorm2004(edition: str, title: str, pages: list[dict], extra: str = "") -> RealPackage:
    config = _config("2004", title, pages)
    manifest = b.manifest_2004(title, [{"id": "SCO-1", "ref": "RES-1", "title": title, "extra": extra}],
                               [{"id": "RES-1", "href": "content/start.html",
                                 "files": ["content/start.html", "content/sco.js", "content/sco.css"]}],
                               schemaversion=f"2004 {edition} Edition")
    data = b.build_zip({"imsmanifest.xml": manifest, "content/start.html": sco_page(config), **_engine("content/")})
    return RealPackage(data, f"2004 {edition}", title, [("SCO-1", title)], {"SCO-1": config})


def scorm2004_3rd() -> RealPackage:
    return _scorm2004("3rd", "Справочное обслуживание (SCORM 2004, 3-я редакция)",
                      [page("Запись читателя", CHOICE), page("Справочное интервью", SEQUENCING),
                       page("Библиографическое описание", MATCHING)])


# 4th edition: completed once the progress measure reaches 0.8; passed from a scaled score of 0.6.
THRESHOLDS_2004 = ('<adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.8"/>'
                   '<imsss:sequencing><imsss:objectives><imsss:primaryObjective objectiveID="PRIMARY" '
                   'satisfiedByMeasure="true"><imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure>'
                   "</imsss:primaryObjective></imsss:objectives></imsss:sequencing>")


def scorm2004_4th() -> RealPackage:
    return _scorm2004("4th", "Персональные данные читателей (SCORM 2004, 4-я редакция)",
                      [page("Согласие", TRUE_FALSE), page("Сроки", NUMERIC), page("Описание", MATCHING),
                       page("Стандарты", FILL_IN)], extra=THRESHOLDS_2004)


def pipwerks_bundle() -> str:
    if not PIPWERKS_BUNDLE.exists():
        raise FileNotFoundError(f"{PIPWERKS_BUNDLE} is missing: run `npm ci --ignore-scripts` (package.json has "
                                "pipwerks-scorm-api-wrapper in devDependencies)")
    return PIPWERKS_BUNDLE.read_text(encoding="utf-8")


def scorm12_pipwerks() -> RealPackage:
    """The SCO finds the API through the pipwerks wrapper, as content from many tools and hand-made courses does.
    The npm bundle assigns the wrapper to a global ``exports``, which a one-line script provides first."""
    title = "Правила пользования библиотекой (pipwerks)"
    config = _config("1.2", title, [page("Запись в библиотеку", CHOICE), page("Персональные данные", TRUE_FALSE)],
                     wrapper="pipwerks")
    launch = sco_page(config, scripts_before=("exports.js", "pipwerks.js"))
    files = ["index.html", "exports.js", "pipwerks.js", "sco.js", "sco.css"]
    manifest = b.manifest_12(title, [{"id": "SCO-PIPWERKS", "ref": "RES-1", "title": title}],
                             [{"id": "RES-1", "href": "index.html", "files": files}])
    data = b.build_zip({"imsmanifest.xml": manifest, "index.html": launch, "exports.js": "var exports = {};\n",
                        "pipwerks.js": pipwerks_bundle(), **_engine()})
    return RealPackage(data, "1.2", title, [("SCO-PIPWERKS", title)], {"SCO-PIPWERKS": config})


ALL = {"scorm12_single": scorm12_single, "scorm12_multi": scorm12_multi, "scorm2004_3rd": scorm2004_3rd,
       "scorm2004_4th": scorm2004_4th, "scorm12_pipwerks": scorm12_pipwerks}
