"""Demo SCORM lesson: «Правила обслуживания читателей: интерактивный практикум», a SCORM 1.2 package of five pages
with four questions, built here in code from our own SCO (courses/packages/sample_sco.py), stored through the
package service like an upload, and played in the course «Библиографическая компетентность» (where the demo
learner is half way) after its lessons and before its final quiz. The lesson is required and counts when the
package reports «passed» (three right answers of four: mastery score 75).

The zip is built the same way every time (fixed dates in it), so its checksum is stable and a second run finds the
stored package instead of uploading it again. Runs once: a second run changes nothing."""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.core.files.storage import default_storage

from courses.models import CoursePage, QuizPage, ScormLessonPage, ScormPackage
from courses.packages.sample_sco import SCO_SCRIPT, SCO_STYLE, ScoEntry, manifest_12, sco_page
from courses.packages.services import STORAGE_ROOT, ScormPackageError, scorm_package_store
from lms.accounts.models import User

COURSE_SLUG = "bibliographic-competence"
LESSON_SLUG = "reader-service-practice"
TITLE = "Правила обслуживания читателей: интерактивный практикум"
MASTERY_SCORE = 75
ZIP_DATE = (2026, 1, 15, 9, 0, 0)

PAGES = [
    {"title": "О практикуме",
     "text": "<p>Практикум напоминает главные правила обслуживания читателей: запись, тайну чтения, продление "
             "и утрату документов. На каждой из следующих страниц — ситуация из работы абонемента и вопрос к "
             "ней.</p><p>Можно прерваться в любой момент: при следующем входе практикум откроется на той же "
             "странице, ваши ответы сохранятся. Практикум пройден, если верно решены три ситуации из четырёх.</p>",
     "question": None},
    {"title": "Запись в библиотеку",
     "text": "<p>Читателя записывают по документу, удостоверяющему личность, и с его согласия на обработку "
             "персональных данных. Детей до 14 лет записывают родители или другие законные представители: "
             "по их документам и с их поручительством.</p>",
     "question": {"id": "registration-child", "type": "choice", "weighting": 1,
                  "prompt": "В библиотеку пришла двенадцатилетняя девочка с мамой. Как её записать?",
                  "options": [["parent", "По паспорту мамы, с её согласием и поручительством"],
                              ["school", "По справке из школы"],
                              ["alone", "Записать без документов: ребёнку они не нужны"]],
                  "correct": "parent"}},
    {"title": "Тайна чтения",
     "text": "<p>Сведения о читателе и о том, какие документы он брал, библиотека не разглашает. Их передают "
             "другим лицам только в случаях, прямо предусмотренных законом.</p>",
     "question": {"id": "reading-privacy", "type": "true-false", "weighting": 1,
                  "prompt": "Библиотекарь может рассказать коллеге из другой организации, какие книги брал "
                            "читатель, если тот не возражал вслух.",
                  "correct": False}},
    {"title": "Продление срока",
     "text": "<p>Срок пользования документом продлевают, если на него нет очереди других читателей. Многие "
             "библиотеки продлевают по телефону или через личный кабинет на сайте — так, как сказано в их "
             "правилах пользования.</p>",
     "question": {"id": "loan-renewal", "type": "choice", "weighting": 1,
                  "prompt": "Читатель звонит и просит продлить книгу. Как поступить?",
                  "options": [["rules", "Продлить, если на книгу нет очереди и правила это разрешают"],
                              ["visit", "Отказать: продлевают только при личном визите"],
                              ["any", "Продлить на любой срок, который назовёт читатель"]],
                  "correct": "rules"}},
    {"title": "Утрата документа",
     "text": "<p>Читатель, который потерял или испортил документ, заменяет его таким же или признанным "
             "равноценным, а если это невозможно — возмещает его стоимость, как установлено правилами "
             "пользования библиотекой.</p>",
     "question": {"id": "lost-book", "type": "choice", "weighting": 1,
                  "prompt": "Читатель потерял книгу. Что ему предложить?",
                  "options": [["replace", "Заменить такой же или равноценной книгой либо возместить стоимость"],
                              ["nothing", "Ничего: книгу спишут"],
                              ["ban", "Навсегда закрыть ему доступ в библиотеку"]],
                  "correct": "replace"}},
]

INTRO = ("<p>Интерактивный практикум: пять коротких страниц о записи читателей, тайне чтения, продлении и утрате "
         "книг, на каждой — ситуация и вопрос. Урок засчитывается, когда практикум пройден: не меньше трёх верных "
         "ответов из четырёх.</p>")


def demo_package() -> bytes:
    """The zip of the demo package, byte for byte the same on every call."""
    config = {"version": "1.2", "wrapper": "own", "title": TITLE, "passing": MASTERY_SCORE / 100, "pages": PAGES}
    files = {"imsmanifest.xml": manifest_12(identifier="kuzbass-lms-reader-service", title=TITLE, scos=[
                 ScoEntry("SCO-READER-SERVICE", TITLE, "index.html", ["index.html", "sco.js", "sco.css"],
                          mastery_score=MASTERY_SCORE)]),
             "index.html": sco_page(config), "sco.js": SCO_SCRIPT, "sco.css": SCO_STYLE}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def _orphaned_folders_clear() -> None:
    """Delete ``scorm/<n>/`` folders that no package row owns. They are left when the rows were rolled back or the
    database was created anew while the media folder stayed (a test run, a developer's fresh database), and the
    package service refuses to unpack into a folder that is not empty. Only the demo does this, and only after
    such a refusal: seed_demo is not run while trainers upload packages."""
    owned = set(ScormPackage.objects.values_list("storage_prefix", flat=True))
    try:
        folders, _files = default_storage.listdir(STORAGE_ROOT)
    except (FileNotFoundError, NotImplementedError):
        return
    pending = [f"{STORAGE_ROOT}/{name}" for name in folders if name.isdigit()
               and f"{STORAGE_ROOT}/{name}/" not in owned]
    while pending:
        folder = pending.pop()
        subfolders, files = default_storage.listdir(folder)
        for name in files:
            default_storage.delete(f"{folder}/{name}")
        pending += [f"{folder}/{name}" for name in subfolders]


def _package(actor: User | None) -> ScormPackage:
    data = demo_package()
    stored = ScormPackage.objects.filter(checksum=hashlib.sha256(data).hexdigest()).first()
    if stored is not None:
        return stored
    try:
        return scorm_package_store(upload=io.BytesIO(data), actor=actor, title=TITLE)
    except ScormPackageError:
        _orphaned_folders_clear()
        return scorm_package_store(upload=io.BytesIO(data), actor=actor, title=TITLE)


def scorm_demo_seed() -> int:
    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    if course is None or ScormLessonPage.objects.descendant_of(course).filter(slug=LESSON_SLUG).exists():
        return 0
    package = _package(User.objects.filter(email="admin@demo.kuzbass-lms.ru").first())
    lesson = ScormLessonPage(title=TITLE, slug=LESSON_SLUG, package=package, intro=INTRO, estimated_minutes=15,
                             is_required=True, completion_mode=ScormLessonPage.CompletionMode.PASSED)
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    quiz = QuizPage.objects.child_of(course).first()
    if quiz is not None:  # after the lessons, before the final quiz
        ScormLessonPage.objects.get(pk=lesson.pk).move(quiz, pos="left")
    return 1
