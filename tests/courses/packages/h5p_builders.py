"""Our own H5P files for the tests, written on the fly (never copies of real ones).

``quiz_h5p()`` is a complete ``.h5p``: h5p.json, content/content.json and a small library of our own,
``H5P.KuzbassQuiz 1.0`` (library.json, a script, a stylesheet). The script defines ``H5P.KuzbassQuiz`` extending
``H5P.EventDispatcher``: it shows a true/false question in Russian and, on «Проверить», calls
``this.triggerXAPIScored(score, 1, 'answered')``, so the real player runs it in Chromium and sends a real
statement. ``quiz_files()`` gives the same as a dict for the refusal tests to spoil.
"""

from __future__ import annotations

import json

from .builders import build_zip

LIBRARY = "H5P.KuzbassQuiz-1.0"

QUIZ_JS = r"""
var H5P = window.H5P = window.H5P || {};
H5P.KuzbassQuiz = (function (EventDispatcher) {
  function KuzbassQuiz(params, contentId) {
    EventDispatcher.call(this);
    this.params = params;
    this.contentId = contentId;
  }
  KuzbassQuiz.prototype = Object.create(EventDispatcher.prototype);
  KuzbassQuiz.prototype.constructor = KuzbassQuiz;
  KuzbassQuiz.prototype.attach = function ($container) {
    var self = this;
    var root = $container.get(0);
    root.classList.add("h5p-kuzbass-quiz");
    root.textContent = "";
    var form = document.createElement("form");
    var fieldset = document.createElement("fieldset");
    var legend = document.createElement("legend");
    legend.textContent = self.params.question;
    fieldset.appendChild(legend);
    [["true", self.params.trueLabel], ["false", self.params.falseLabel]].forEach(function (choice) {
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "answer-" + self.contentId;
      input.value = choice[0];
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + choice[1]));
      fieldset.appendChild(label);
    });
    var button = document.createElement("button");
    button.type = "submit";
    button.textContent = self.params.checkLabel;
    var feedback = document.createElement("p");
    feedback.setAttribute("role", "status");
    form.appendChild(fieldset);
    form.appendChild(button);
    form.appendChild(feedback);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.querySelector("input:checked");
      if (!chosen) {
        feedback.textContent = self.params.chooseFirst;
        return;
      }
      var right = (chosen.value === "true") === self.params.correct;
      feedback.textContent = right ? self.params.rightText : self.params.wrongText;
      self.triggerXAPIScored(right ? 1 : 0, 1, "answered");
    });
    root.appendChild(form);
  };
  return KuzbassQuiz;
})(H5P.EventDispatcher);
"""

QUIZ_CSS = ".h5p-kuzbass-quiz fieldset { border: 0; padding: 0; }\n.h5p-kuzbass-quiz label { display: block; }\n"


def h5p_json(**changes) -> dict:
    document = {
        "title": "Проверка: фонд библиотеки",
        "language": "ru",
        "mainLibrary": "H5P.KuzbassQuiz",
        "embedTypes": ["div"],
        "license": "U",
        "preloadedDependencies": [{"machineName": "H5P.KuzbassQuiz", "majorVersion": 1, "minorVersion": 0}],
    }
    document.update(changes)
    return document


def library_json(**changes) -> dict:
    document = {
        "title": "Kuzbass true/false", "machineName": "H5P.KuzbassQuiz", "majorVersion": 1, "minorVersion": 0,
        "patchVersion": 0, "runnable": 1,
        "preloadedJs": [{"path": "kuzbass-quiz.js"}], "preloadedCss": [{"path": "kuzbass-quiz.css"}],
    }
    document.update(changes)
    return document


CONTENT = {
    "question": "Фонд библиотеки проверяют не реже одного раза в пять лет.",
    "correct": True,
    "trueLabel": "Верно", "falseLabel": "Неверно", "checkLabel": "Проверить",
    "chooseFirst": "Сначала выберите ответ.", "rightText": "Правильно!", "wrongText": "Неправильно.",
}


def quiz_files() -> dict[str, str | bytes]:
    return {
        "h5p.json": json.dumps(h5p_json(), ensure_ascii=False),
        "content/content.json": json.dumps(CONTENT, ensure_ascii=False),
        f"{LIBRARY}/library.json": json.dumps(library_json()),
        f"{LIBRARY}/kuzbass-quiz.js": QUIZ_JS,
        f"{LIBRARY}/kuzbass-quiz.css": QUIZ_CSS,
    }


def quiz_h5p(**extra: str | bytes) -> bytes:
    """The complete file; ``extra`` adds or replaces members (a different picture makes a different checksum)."""
    return build_zip({**quiz_files(), **extra})
