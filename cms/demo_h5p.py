"""The demo's H5P task: a small ``.h5p`` file written here (our own content type, ``H5P.KuzbassQuiz 1.0``: a few
«верно / неверно» statements checked together), stored through the H5P service and played by a lesson
«Проверьте себя: библиографическая ссылка» in the course on bibliographic competence. Running it twice changes
nothing: the file is built byte for byte the same (so its checksum finds the stored one) and the lesson is made
once."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from django.db import transaction

from courses.models import CourseModulePage, CoursePage, H5PContent, LessonPage
from courses.packages.h5p.services import h5p_content_store
from lms.accounts.models import User

COURSE_SLUG = "bibliographic-competence"
LESSON_SLUG = "self-check-references"
LIBRARY_FOLDER = "H5P.KuzbassQuiz-1.0"
FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # zip members dated alike: the same bytes on every run

# The content type. It extends H5P.EventDispatcher (as every H5P content type does) and reports the learner's
# score with triggerXAPIScored(score, max, "answered"): the top-level statement that completes the lesson's task.
# It builds its markup with DOM calls (no inline styles: the site's Content-Security-Policy allows none).
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

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  KuzbassQuiz.prototype.attach = function ($container) {
    var self = this, labels = self.params.labels;
    var root = $container.get(0);
    root.classList.add("h5p-kuzbass-quiz");
    root.textContent = "";
    var form = element("form");
    self.params.statements.forEach(function (statement, index) {
      var fieldset = element("fieldset", "kq-statement");
      fieldset.appendChild(element("legend", "", (index + 1) + ". " + statement.text));
      [["true", labels.yes], ["false", labels.no]].forEach(function (choice) {
        var label = element("label", "kq-choice");
        var input = element("input");
        input.type = "radio";
        input.name = "kq-" + self.contentId + "-" + index;
        input.value = choice[0];
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + choice[1]));
        fieldset.appendChild(label);
      });
      fieldset.appendChild(element("p", "kq-explanation"));
      form.appendChild(fieldset);
    });
    var button = element("button", "kq-check button", labels.check);
    button.type = "submit";
    var feedback = element("p", "kq-feedback");
    feedback.setAttribute("role", "status");
    form.appendChild(button);
    form.appendChild(feedback);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var score = 0, total = self.params.statements.length, missing = false;
      self.params.statements.forEach(function (statement, index) {
        var chosen = form.querySelector("input[name='kq-" + self.contentId + "-" + index + "']:checked");
        var explanation = form.querySelectorAll(".kq-explanation")[index];
        if (!chosen) { missing = true; return; }
        var right = (chosen.value === "true") === statement.correct;
        score += right ? 1 : 0;
        explanation.textContent = (right ? labels.right : labels.wrong) + " " + statement.explanation;
      });
      if (missing) {
        feedback.textContent = labels.answerAll;
        return;
      }
      feedback.textContent = labels.result.replace(":score", score).replace(":total", total);
      self.triggerXAPIScored(score, total, "answered");
    });
    root.appendChild(form);
  };
  return KuzbassQuiz;
})(H5P.EventDispatcher);
"""

QUIZ_CSS = """.h5p-kuzbass-quiz .kq-statement { border: 0; margin: 0 0 1rem; padding: 0; }
.h5p-kuzbass-quiz legend { font-weight: 600; margin-bottom: .25rem; }
.h5p-kuzbass-quiz .kq-choice { display: inline-block; margin-right: 1.5rem; padding: .25rem 0; }
.h5p-kuzbass-quiz .kq-explanation:empty { display: none; }
.h5p-kuzbass-quiz .kq-feedback { font-weight: 600; }
"""

CONTENT = {
    "statements": [
        {"text": "Затекстовая ссылка помещается за текстом документа или его части.", "correct": True,
         "explanation": "Так определяет её ГОСТ Р 7.0.5–2008."},
        {"text": "Подстрочная ссылка оформляется в скобках внутри самого текста.", "correct": False,
         "explanation": "В скобках внутри текста — внутритекстовая ссылка; подстрочная выносится вниз полосы."},
        {"text": "Повторная ссылка может быть сокращённой, если описание уже приводилось.", "correct": True,
         "explanation": "Повторную ссылку сокращают, сохраняя сведения для поиска документа."},
    ],
    "labels": {"yes": "Верно", "no": "Неверно", "check": "Проверить", "right": "Правильно.", "wrong": "Ошибка.",
               "answerAll": "Ответьте на все утверждения.", "result": "Правильных ответов: :score из :total."},
}


def demo_h5p_files() -> dict[str, str]:
    h5p = {"title": "Проверьте себя: виды библиографических ссылок", "language": "ru",
           "mainLibrary": "H5P.KuzbassQuiz", "embedTypes": ["div"], "license": "U",
           "preloadedDependencies": [{"machineName": "H5P.KuzbassQuiz", "majorVersion": 1, "minorVersion": 0}]}
    library = {"title": "Верно или неверно (Кузбасс)", "machineName": "H5P.KuzbassQuiz", "majorVersion": 1,
               "minorVersion": 0, "patchVersion": 0, "runnable": 1, "license": "MIT", "author": "Kuzbass LMS",
               "preloadedJs": [{"path": "kuzbass-quiz.js"}], "preloadedCss": [{"path": "kuzbass-quiz.css"}]}
    return {
        "h5p.json": json.dumps(h5p, ensure_ascii=False, indent=2),
        "content/content.json": json.dumps(CONTENT, ensure_ascii=False, indent=2),
        f"{LIBRARY_FOLDER}/library.json": json.dumps(library, ensure_ascii=False, indent=2),
        f"{LIBRARY_FOLDER}/kuzbass-quiz.js": QUIZ_JS,
        f"{LIBRARY_FOLDER}/kuzbass-quiz.css": QUIZ_CSS,
    }


def demo_h5p_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in demo_h5p_files().items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def _content() -> tuple[H5PContent, int]:
    data = demo_h5p_file()
    existing = H5PContent.objects.filter(checksum=hashlib.sha256(data).hexdigest()).first()
    if existing is not None:
        return existing, 0
    trainer = User.objects.filter(email="trainer@demo.kuzbass-lms.ru").first()
    return h5p_content_store(upload=io.BytesIO(data), actor=trainer), 1


@transaction.atomic
def h5p_demo_seed() -> int:
    """The demo H5P content and the lesson that plays it; how many things were made (0 on a second run)."""
    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    if course is None:
        return 0
    content, changed = _content()
    if LessonPage.objects.descendant_of(course).filter(slug=LESSON_SLUG).exists():
        return changed
    parent = CourseModulePage.objects.child_of(course).order_by("-path").first() or course
    lesson = LessonPage(title="Проверьте себя: библиографическая ссылка", slug=LESSON_SLUG, estimated_minutes=5,
                        is_required=True, body=[
                            ("paragraph", "<p>Вспомните виды библиографических ссылок из урока о ГОСТ Р 7.0.5–2008 "
                                          "и отметьте, верно ли каждое утверждение. Урок засчитывается, когда "
                                          "вы проверите ответы.</p>"),
                            ("h5p", {"content": content, "required": True, "title": "Виды ссылок: верно или нет?"}),
                        ])
    parent.add_child(instance=lesson)
    lesson.save_revision().publish()
    return changed + 1
