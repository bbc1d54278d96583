"""A large realistic dataset for load tests and query budgets (`seed_load`), written with bulk inserts.

The services do one person and one record at a time (locks, notices, tasks), which is right for people and far too
slow for 50,000 enrolments. Here the same records are written in batches, computed so that they satisfy what the
services guarantee:

- an enrolment's progress is the share of its course's items (lessons and the required final quiz) that are done,
  counted from its lesson completions and its finished attempts, as `enrolment_progress_refresh` counts it; an
  enrolment whose rule is met is completed and has `completed_at`; nobody studies a course they are not enrolled in;
- attempts carry frozen questions made by the quiz services' own `_freeze` from the course's bank, answers in the
  form the attempt page stores them, and are graded by the services' own `_grade`; numbers run 1, 2, 3 per person
  and quiz, never more than the quiz allows;
- internship bookings are in states reachable through the state machine, with their audit trail; a session never
  has more seat-holding bookings than seats; a person has one active booking per topic and no two overlapping
  sessions; attended and completed bookings have their attendance, completed ones the mentor's evaluation;
- certificates (course certificates and internship notes) have registry numbers without gaps per year, continuing
  the `RegistryCounter`, unique verification codes and frozen facts as the certificate services freeze them. Their
  PDFs are not rendered (that is the worker's job, about 0.1 s each): `pdf` stays empty.

Pages (programme, courses, modules, lessons, quizzes) are Wagtail pages, live and published: the programme and the
courses are added through treebeard (`add_child`, which also indexes them for search); a course's modules, lessons
and quiz are written in bulk with their tree paths computed the way treebeard computes them.
"""

from __future__ import annotations

import datetime
import random
import secrets
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Locale, Page

from certificates.models import Certificate, CertificateTemplate, RegistryCounter
from certificates.russian import decline_full_name, format_date_ru, format_period_ru, hours_phrase
from certificates.services import NUMBER_PREFIX
from courses.quizzes import services as quiz_services
from courses.models import (Attempt, CourseModulePage, CoursePage, Enrolment, LessonCompletion,
                            LessonPage, ProgrammePage, Question, QuestionCategory, QuizPage, QuizRandomDraw)
from courses.services import course_trainer_add
from lms import content_cache
from lms.accounts.models import User
from lms.accounts.roles import Role, role_group
from lms.accounts.services import role_assign
from lms.internships.models import Attendance, Booking, BookingEvent, Requirement, Session, Topic, TopicDay
from lms.libraries.models import Library
from lms.libraries.services import library_directory_seed

LOAD_DOMAIN = "load.kuzbass-lms.ru"
LOAD_PASSWORD = "kuzbass-load-2026"
PROGRAMME_SLUG = "kursy"
BATCH = 2000
QUESTIONS_PER_BANK = 15
QUESTIONS_PER_ATTEMPT = 10
ATTEMPTS_ALLOWED = 3
PASS_PERCENT = 70
NOTE_SHARE = 0.15  # of the certificates, the share that are internship notes (справки)


class LoadDataExists(Exception):
    """The dataset is there already; the message is Russian."""


@dataclass(frozen=True)
class LoadSize:
    libraries: int
    staff: int
    courses: int
    lessons_per_course: int
    enrolments: int
    completions: int
    attempts: int
    sessions: int
    certificates: int
    modules_per_course: int = 4


SIZES = {
    "L": LoadSize(libraries=300, staff=5000, courses=100, lessons_per_course=20, enrolments=50_000,
                  completions=300_000, attempts=30_000, sessions=500, certificates=3000),
    "M": LoadSize(libraries=30, staff=600, courses=10, lessons_per_course=20, enrolments=5000,
                  completions=30_000, attempts=3000, sessions=50, certificates=300),
    "S": LoadSize(libraries=10, staff=100, courses=5, lessons_per_course=20, enrolments=500,
                  completions=3000, attempts=300, sessions=5, certificates=30),
}


@dataclass
class LoadResult:
    counts: dict[str, int]
    timings: list[tuple[str, float]]
    admin_email: str
    learner_email: str
    password: str = LOAD_PASSWORD
    programme_url: str = ""


# --- Words ----------------------------------------------------------------------------------------------------------

SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
            "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
            "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин",
            "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов"]
FEMALE_NAMES = ["Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Людмила",
                "Галина", "Надежда", "Марина", "Юлия", "Екатерина", "Валентина", "Любовь", "Оксана", "Вера"]
MALE_NAMES = ["Сергей", "Андрей", "Алексей", "Дмитрий", "Николай", "Владимир", "Александр", "Михаил", "Иван"]
FATHERS = ["Петро", "Ивано", "Сергее", "Николае", "Александро", "Викторо", "Владимиро", "Михайло", "Андрее",
           "Юрье", "Геннадье", "Васильe".replace("e", "е"), "Анатолье", "Борисо", "Павло"]
POSITIONS = ["библиотекарь", "ведущий библиотекарь", "главный библиотекарь", "библиограф", "ведущий библиограф",
             "методист", "заведующая сельской библиотекой", "заведующая отделом обслуживания",
             "заведующая филиалом", "библиотекарь отдела краеведения"]
SUBJECTS = ["Каталогизация по ГОСТ Р 7.0.100–2018", "Виртуальная справочная служба", "Краеведческие ресурсы",
            "Оцифровка фондов", "Работа с детьми и подростками", "Информационная культура читателей",
            "Электронная библиотека Кузбасса", "Библиотечная статистика", "Продвижение чтения",
            "Библиотека в социальных сетях", "Сводный каталог периодики", "Авторское право в библиотеке",
            "Обслуживание людей с инвалидностью", "Проектная деятельность", "Комплектование фонда",
            "Справочно-библиографический аппарат", "Национальная электронная библиотека", "Медиаграмотность",
            "Библиотечные мероприятия", "Консервация документов", "Экологическое просвещение",
            "Литературное краеведение Кузбасса", "Правовая информация", "Работа с волонтёрами",
            "Цифровые сервисы библиотеки"]
LEVELS = ["основы", "практикум", "углублённый курс", "мастерская"]
LESSON_THEMES = ["Введение", "Нормативная база", "Основные понятия", "Практическая работа", "Разбор примеров",
                 "Типичные ошибки", "Инструменты", "Опыт библиотек Кузбасса", "Самопроверка", "Итоги"]
DEPARTMENTS = ["Центр информационно-библиографического обслуживания", "Отдел электронных ресурсов",
               "Отдел краеведения", "Отдел комплектования и каталогизации", "Научно-методический отдел"]
LESSON_TEXT = (
    "<p>В этом уроке разбирается, как тема применяется в работе муниципальной библиотеки: какие документы "
    "регулируют работу, какие решения приняты в библиотеках Кемеровской области и что стоит сделать в первую "
    "очередь. Примеры взяты из практики центральных и сельских библиотек Кузбасса.</p>"
    "<p>Прочитайте материал, выполните задание в конце урока и отметьте урок как изученный. Вопросы по теме "
    "можно задать методисту ОНБ по электронной почте.</p>"
)


def _female(rng: random.Random) -> bool:
    return rng.random() < 0.85  # library staff are mostly women


def _person_name(rng: random.Random) -> tuple[str, str, str]:
    surname, father = rng.choice(SURNAMES), rng.choice(FATHERS)
    if _female(rng):
        return surname + "а", rng.choice(FEMALE_NAMES), father + "вна"
    return surname, rng.choice(MALE_NAMES), father + "вич"


def _batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _bulk(model, objects: list, size: int = BATCH) -> list:
    created = []
    for chunk in _batches(objects, size):
        created += model.objects.bulk_create(chunk, batch_size=size)
    return created


class _Clock:
    def __init__(self, log):
        self.timings: list[tuple[str, float]] = []
        self.started = time.monotonic()
        self.last = self.started
        self.log = log

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.timings.append((name, now - self.last))
        self.log(f"  {name}: {now - self.last:.1f} с")
        self.last = now


# --- Checks ---------------------------------------------------------------------------------------------------------

def load_data_exists() -> bool:
    return (User.objects.filter(email__endswith="@" + LOAD_DOMAIN).exists()
            or ProgrammePage.objects.filter(slug=PROGRAMME_SLUG).exists())


# --- People ---------------------------------------------------------------------------------------------------------

def _libraries(size: LoadSize, rng: random.Random) -> list[Library]:
    library_directory_seed()
    existing = list(Library.objects.select_related("municipality").order_by("pk"))
    systems = [lib for lib in existing if lib.kind in (Library.Kind.SYSTEM, Library.Kind.DISTRICT)] or existing
    villages = ["Берёзовка", "Сосновка", "Заречное", "Листвянка", "Михайловка", "Подгорное", "Ключи",
                "Озёрное", "Калиновка", "Каменка", "Красная Горка", "Малиновка"]
    new = []
    for number in range(max(0, size.libraries - len(existing))):
        system = systems[number % len(systems)]
        village = f"{villages[number % len(villages)]}-{number // len(villages) + 1}"
        new.append(Library(
            code=f"load-branch-{number + 1:04d}", name=f"Библиотека-филиал № {number + 1} ({village}), {system.name}",
            short_name=f"Филиал № {number + 1}, {system.short_name}", municipality_id=system.municipality_id,
            kind=Library.Kind.BRANCH, parent=system, address=f"с. {village}, ул. Центральная, {rng.randint(1, 60)}",
        ))
    _bulk(Library, new)
    return list(Library.objects.select_related("municipality", "parent").order_by("pk"))


def _user(email: str, names: tuple[str, str, str], library: Library, position: str, password_hash: str,
          joined: datetime.datetime, *, is_staff: bool = False) -> User:
    last, first, patronymic = names
    return User(email=email, last_name=last, first_name=first, patronymic=patronymic, library=library,
                position=position, password=password_hash, is_staff=is_staff, date_joined=joined,
                personal_data_consent_at=joined, personal_data_consent_version="2026-11")


def _people(size: LoadSize, libraries: list[Library], rng: random.Random, now) -> tuple[User, User, list[User]]:
    password_hash = make_password(LOAD_PASSWORD)  # hashed once: every load account shares it
    onb = next((lib for lib in libraries if lib.code == "onb"), libraries[0])
    admin = _user(f"admin@{LOAD_DOMAIN}", ("Борисова", "Анна", "Сергеевна"), onb,
                  "заведующая научно-методическим отделом", password_hash, now - datetime.timedelta(days=900),
                  is_staff=True)
    trainer = _user(f"trainer@{LOAD_DOMAIN}", ("Григорьев", "Павел", "Андреевич"), onb, "методист", password_hash,
                    now - datetime.timedelta(days=900), is_staff=True)
    # Staff of the Э(В)БК participants are weighted up, so that the internship compliance has many people.
    weights = [3 if (lib.evbk_participant or (lib.parent and lib.parent.evbk_participant)) else 1
               for lib in libraries]
    staff = []
    for number in range(size.staff):
        email = f"learner@{LOAD_DOMAIN}" if number == 0 else f"staff{number:05d}@{LOAD_DOMAIN}"
        library = rng.choices(libraries, weights)[0]
        joined = now - datetime.timedelta(days=rng.randint(20, 1100), minutes=rng.randint(0, 1440))
        staff.append(_user(email, _person_name(rng), library, rng.choice(POSITIONS), password_hash, joined))
    _bulk(User, [admin, trainer])
    staff = _bulk(User, staff)
    admin, trainer = User.objects.get(email=admin.email), User.objects.get(email=trainer.email)
    if not staff[0].pk:  # a database that does not return ids from bulk inserts
        staff = list(User.objects.filter(email__endswith="@" + LOAD_DOMAIN).exclude(
            pk__in=[admin.pk, trainer.pk]).order_by("pk"))
    role_assign(user=admin, role=Role.ADMINISTRATOR)
    learners_group = role_group(Role.LEARNER)
    through = User.groups.through
    _bulk(through, [through(user_id=user.pk, group_id=learners_group.pk) for user in staff])
    _bulk(EmailAddress, [EmailAddress(user_id=user.pk, email=user.email, verified=True, primary=True)
                         for user in [admin, trainer, *staff]])
    return admin, trainer, staff


# --- Pages ----------------------------------------------------------------------------------------------------------

@dataclass
class CourseTree:
    course: CoursePage
    lessons: list[LessonPage] = field(default_factory=list)
    quiz: QuizPage | None = None
    questions: list[Question] = field(default_factory=list)


def _home():
    from .demo import _administrator_page_permissions, _home_page, _site_settings

    home, _changed = _home_page()
    _site_settings(home)
    _administrator_page_permissions(home)  # the administrators edit and publish the pages, as in the demo
    return home


def _page_row(model, *, parent: Page, position: int, title: str, slug: str, locale: Locale, when) -> Page:
    """The wagtailcore_page row of a new child of `parent` (which has no children yet), published at `when`."""
    return Page(
        title=title, draft_title=title, slug=slug, content_type=ContentType.objects.get_for_model(model),
        path=Page._get_path(parent.path, parent.depth + 1, position), depth=parent.depth + 1, numchild=0,
        url_path=f"{parent.url_path}{slug}/", live=True, has_unpublished_changes=False, locale=locale,
        translation_key=uuid.uuid4(), first_published_at=when, last_published_at=when,
    )


def _insert_specific(model, rows: list[Page], specific: list[Page]) -> list[Page]:
    """Write the pages' own table rows (the base rows are in `rows`); Django's bulk_create refuses multi-table
    models, so the child table is inserted through the manager's internal `_insert`, as bulk_create itself does."""
    fields = model._meta.local_concrete_fields
    for base, page in zip(rows, specific, strict=True):
        page.page_ptr_id = base.pk
    for chunk in _batches(specific, 500):
        model._base_manager._insert(chunk, fields=fields, using="default")
    return specific


def _pages(size: LoadSize, home, rng: random.Random, now, trainer: User) -> tuple[ProgrammePage, list[CourseTree]]:
    from .demo_content import programme as demo_programme

    data = demo_programme()
    programme = ProgrammePage(
        title=data["title"], slug=PROGRAMME_SLUG, intro=data["intro"], aims=data["aims"],
        audience=data["audience"][:300], show_in_menus=not ProgrammePage.objects.exists(), seo_title="Курсы",
        first_published_at=now, last_published_at=now,
    )
    home.add_child(instance=programme)
    locale = programme.locale
    trees = []
    audiences = ["Сотрудники сельских библиотек", "Библиографы", "Сотрудники детских библиотек",
                 "Все специалисты библиотек"]
    for number in range(size.courses):
        subject, level = SUBJECTS[number % len(SUBJECTS)], LEVELS[(number // len(SUBJECTS)) % len(LEVELS)]
        cycle = number // (len(SUBJECTS) * len(LEVELS))
        title = f"{subject}: {level}" + (f" (поток {cycle + 1})" if cycle else "")
        policy = (CoursePage.Policy.APPROVAL if number % 10 == 3 else
                  CoursePage.Policy.ASSIGNED if number % 10 == 7 else CoursePage.Policy.OPEN)
        course = CoursePage(
            title=title, slug=f"kurs-{number + 1:03d}", summary=f"Курс «{title}» для специалистов библиотек Кузбасса.",
            description=LESSON_TEXT, academic_hours=rng.choice([8, 16, 16, 24, 36, 72]),
            format=CoursePage.Format.BLENDED if number % 5 == 4 else CoursePage.Format.DISTANCE,
            audience=audiences[number % len(audiences)], enrolment_policy=policy,
            certificate_kind=(CoursePage.CertificateKind.QUALIFICATION if number % 4 == 0
                              else CoursePage.CertificateKind.CERTIFICATE),
            first_published_at=now, last_published_at=now,
        )
        programme.add_child(instance=course)
        trees.append(CourseTree(course=course))
    _course_children(size, trees, locale, now)
    for tree in trees:  # through the service: the link, the trainer role and the course's page permissions
        course_trainer_add(course=tree.course, user=trainer)
    return programme, trees


def _course_children(size: LoadSize, trees: list[CourseTree], locale: Locale, now) -> None:
    modules_per_course = max(1, min(size.modules_per_course, size.lessons_per_course))
    module_rows, modules, module_parent = [], [], []
    for tree in trees:
        course = tree.course
        for m in range(modules_per_course):
            module_rows.append(_page_row(CourseModulePage, parent=course, position=m + 1, title=f"Модуль {m + 1}. "
                                         f"{LESSON_THEMES[m % len(LESSON_THEMES)]}", slug=f"module-{m + 1}",
                                         locale=locale, when=now))
            modules.append(CourseModulePage(summary=""))
            module_parent.append(tree)
        quiz_row = _page_row(QuizPage, parent=course, position=modules_per_course + 1, title="Итоговый тест",
                             slug="final-test", locale=locale, when=now)
        module_rows.append(quiz_row)
        modules.append(QuizPage(
            intro="<p>Десять вопросов по материалам курса; засчитывается лучшая из трёх попыток.</p>",
            pass_percent=PASS_PERCENT, time_limit_minutes=30, attempts_allowed=ATTEMPTS_ALLOWED,
            questions_per_page=5, shuffle_questions=True, is_required=True))
        module_parent.append(tree)
    rows = _bulk(Page, module_rows, 500)
    module_pages = []
    for model in (CourseModulePage, QuizPage):
        pairs = [(row, page) for row, page in zip(rows, modules, strict=True) if isinstance(page, model)]
        _insert_specific(model, [r for r, _p in pairs], [p for _r, p in pairs])
    for row, page, tree in zip(rows, modules, module_parent, strict=True):
        _copy_base(row, page)
        if isinstance(page, QuizPage):
            tree.quiz = page
        else:
            module_pages.append((page, tree))
    lesson_rows, lessons, lesson_tree = [], [], []
    per_module = defaultdict(list)
    for module, tree in module_pages:
        per_module[tree.course.pk].append(module)
    for tree in trees:
        mods = per_module[tree.course.pk]
        for index in range(size.lessons_per_course):
            module = mods[index * len(mods) // size.lessons_per_course]
            position = sum(1 for i in range(index) if mods[i * len(mods) // size.lessons_per_course] is module) + 1
            title = f"Урок {index + 1}. {LESSON_THEMES[index % len(LESSON_THEMES)]}"
            lesson_rows.append(_page_row(LessonPage, parent=module, position=position, title=title,
                                         slug=f"urok-{index + 1}", locale=locale, when=now))
            lessons.append(LessonPage(body=[("paragraph", LESSON_TEXT)], estimated_minutes=20, is_required=True))
            lesson_tree.append(tree)
            module.numchild += 1
    rows = _bulk(Page, lesson_rows, 500)
    _insert_specific(LessonPage, rows, lessons)
    for row, lesson, tree in zip(rows, lessons, lesson_tree, strict=True):
        _copy_base(row, lesson)
        tree.lessons.append(lesson)
    for module, _tree in module_pages:
        Page.objects.filter(pk=module.pk).update(numchild=module.numchild)
    for tree in trees:
        Page.objects.filter(pk=tree.course.pk).update(numchild=modules_per_course + 1)
        tree.course.numchild = modules_per_course + 1
    _question_banks(trees)


def _copy_base(row: Page, page: Page) -> None:
    for field_ in Page._meta.concrete_fields:
        setattr(page, field_.attname, getattr(row, field_.attname))


def _bank_question(number: int, subject: str) -> dict:
    kind = number % 3
    common = {"name": f"Вопрос {number + 1:02d}", "text": f"<p>{subject}: вопрос {number + 1}.</p>"}
    if kind == 0:
        return {**common, "type": "multichoice", "single": True, "answers": [
            {"text": "Верный ответ", "fraction": 1.0, "feedback": "Верно."},
            {"text": "Неверный ответ", "fraction": 0.0, "feedback": "Неверно."},
            {"text": "Другой неверный ответ", "fraction": 0.0, "feedback": "Неверно."}]}
    if kind == 1:
        return {**common, "type": "truefalse", "correct": number % 2 == 0, "feedback_true": "",
                "feedback_false": ""}
    return {**common, "type": "shortanswer", "answers": [{"text": "Кемерово", "fraction": 1.0, "feedback": ""}]}


def _question_banks(trees: list[CourseTree]) -> None:
    from courses.quizzes.question_bank import _question_fields

    categories = _bulk(QuestionCategory, [QuestionCategory(course=tree.course, name="top") for tree in trees])
    children = _bulk(QuestionCategory, [QuestionCategory(course=tree.course, parent=top, name="Итоговый тест")
                                        for tree, top in zip(trees, categories, strict=True)])
    questions = []
    for tree, category in zip(trees, children, strict=True):
        for number in range(QUESTIONS_PER_BANK):
            questions.append(Question(category=category, **_question_fields(_bank_question(number, tree.course.title))))
    questions = _bulk(Question, questions)
    for index, tree in enumerate(trees):
        tree.questions = questions[index * QUESTIONS_PER_BANK:(index + 1) * QUESTIONS_PER_BANK]
    _bulk(QuizRandomDraw, [QuizRandomDraw(quiz=tree.quiz, category=category, count=QUESTIONS_PER_ATTEMPT,
                                          sort_order=0) for tree, category in zip(trees, children, strict=True)])


# --- Learning records -----------------------------------------------------------------------------------------------

@dataclass
class Plan:
    """What one enrolment has done, decided before anything is written."""

    user: User
    tree: CourseTree
    status: str
    source: str
    lessons_done: int = 0
    attempts: int = 0
    passes: bool = False
    created_at: datetime.datetime | None = None
    enrolment: Enrolment | None = None


def _spread(total: int, slots: int, low: int, high: int, rng: random.Random) -> list[int]:
    """`slots` integers in [low, high] that add up to `total` (as near as the bounds allow)."""
    if slots == 0:
        return []
    values = [rng.randint(low, high) for _ in range(slots)]
    difference = total - sum(values)
    order = list(range(slots))
    while difference:
        rng.shuffle(order)
        moved = False
        for i in order:
            if difference > 0 and values[i] < high:
                values[i] += 1
                difference -= 1
                moved = True
            elif difference < 0 and values[i] > low:
                values[i] -= 1
                difference += 1
                moved = True
            if not difference:
                break
        if not moved:
            break
    return values


def _plans(size: LoadSize, staff: list[User], trees: list[CourseTree], rng: random.Random, now) -> list[Plan]:
    course_count = len(trees)
    wanted = min(size.enrolments, len(staff) * course_count)
    per_person = _spread(wanted, len(staff), max(1, wanted // len(staff) // 2),
                         min(course_count, max(1, 2 * wanted // len(staff))), rng)
    plans = []
    for user, count in zip(staff, per_person, strict=True):
        for index in rng.sample(range(course_count), count):
            tree = trees[index]
            policy = tree.course.enrolment_policy
            source = (Enrolment.Source.MANDATORY if policy == CoursePage.Policy.ASSIGNED
                      else rng.choice([Enrolment.Source.SELF] * 4 + [Enrolment.Source.COHORT]))
            status = Enrolment.Status.ACTIVE
            roll = rng.random()
            if policy == CoursePage.Policy.APPROVAL and roll < 0.15:
                status = Enrolment.Status.REQUESTED
            elif source == Enrolment.Source.SELF and roll > 0.98:
                status = Enrolment.Status.WITHDRAWN
            created = max(user.date_joined, now - datetime.timedelta(days=700)) + datetime.timedelta(
                days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
            created = min(created, now - datetime.timedelta(days=1))
            plans.append(Plan(user=user, tree=tree, status=status, source=source, created_at=created))
    # The completed ones: as many as there are course certificates to issue.
    course_certificates = size.certificates - round(size.certificates * NOTE_SHARE)
    studying = [p for p in plans if p.status == Enrolment.Status.ACTIVE]
    for plan in rng.sample(studying, min(course_certificates, len(studying))):
        plan.status = Enrolment.Status.COMPLETED
        plan.lessons_done = len(plan.tree.lessons)
        plan.passes = True
        plan.attempts = 1
    # Lessons studied by the others: the rest of the completions, in the order of the course.
    others = [p for p in plans if p.status in (Enrolment.Status.ACTIVE, Enrolment.Status.WITHDRAWN)]
    done = sum(p.lessons_done for p in plans)
    lessons = max((len(t.lessons) for t in trees), default=0)
    started = [p for p in others if rng.random() < 0.65]
    for plan, count in zip(started, _spread(max(0, size.completions - done), len(started), 1,
                                            max(1, lessons - 1), rng), strict=True):
        plan.lessons_done = count
    # Attempts: the completed (at least one, passed) and those far enough in the course.
    candidates = [p for p in plans if p.status == Enrolment.Status.COMPLETED]
    candidates += [p for p in others if p.status == Enrolment.Status.ACTIVE and p.lessons_done >= lessons // 2]
    remaining = size.attempts - sum(p.attempts for p in candidates)
    fresh = [p for p in candidates if p.attempts == 0]
    for plan in fresh[:max(0, remaining)]:
        plan.attempts = 1
        # some pass the quiz before finishing the lessons (never all of them: that would complete the course)
        plan.passes = plan.lessons_done < len(plan.tree.lessons) and rng.random() < 0.35
    remaining = size.attempts - sum(p.attempts for p in candidates)
    while remaining > 0:
        room = [p for p in candidates if 0 < p.attempts < ATTEMPTS_ALLOWED]
        if not room:
            break
        for plan in rng.sample(room, min(remaining, len(room))):
            plan.attempts += 1
            remaining -= 1
    return plans


def _progress(plan: Plan) -> int:
    """As `enrolment_progress_refresh` counts it: studied lessons and the passed required quiz of all the items."""
    items = len(plan.tree.lessons) + 1
    return round(100 * (plan.lessons_done + (1 if plan.passes else 0)) / items)


def _timeline(plan: Plan, rng: random.Random, now) -> list[datetime.datetime]:
    """The moments of an enrolment's events (lessons, then attempts), in order, between enrolling and now."""
    events = plan.lessons_done + plan.attempts
    span = min(now - datetime.timedelta(hours=2) - plan.created_at, datetime.timedelta(days=rng.randint(3, 120)))
    step = span / (events + 1)
    return [plan.created_at + step * (i + 1) for i in range(events)]


def _answers(entries: list[dict], correct: int, rng: random.Random) -> dict:
    right = set(rng.sample(range(len(entries)), correct))
    answers = {}
    for index, entry in enumerate(entries):
        question = entry["question"]
        good = index in right
        if question["type"] == "multichoice":
            indexes = [i for i, a in enumerate(question["answers"]) if (a["fraction"] >= 1) == good]
            answers[str(index)] = rng.choice(indexes)
        elif question["type"] == "truefalse":
            answers[str(index)] = question["correct"] if good else not question["correct"]
        else:
            answers[str(index)] = "Кемерово" if good else "Новокузнецк"
    return answers


def _attempt(plan: Plan, number: int, passed: bool, started: datetime.datetime, rng: random.Random) -> Attempt:
    quiz = plan.tree.quiz
    served = [quiz_services._freeze(question, Decimal("1.00"), quiz.shuffle_answers)
              for question in rng.sample(plan.tree.questions, QUESTIONS_PER_ATTEMPT)]
    rng.shuffle(served)
    pass_mark = -(-PASS_PERCENT * QUESTIONS_PER_ATTEMPT // 100)
    correct = rng.randint(pass_mark, QUESTIONS_PER_ATTEMPT) if passed else rng.randint(2, pass_mark - 1)
    attempt = Attempt(quiz=quiz, user_id=plan.user.pk, number=number, started_at=started,
                      deadline=started + datetime.timedelta(minutes=quiz.time_limit_minutes),
                      submitted_at=started + datetime.timedelta(minutes=rng.randint(6, 28)), questions=served,
                      answers=_answers(served, correct, rng), grades={}, sequence=rng.randint(2, 4))
    quiz_services._grade(attempt)  # the services' own grading: marks, status and passed as a submit sets them
    return attempt


def _records(plans: list[Plan], rng: random.Random, now) -> dict[str, int]:
    enrolments, attempts, lesson_times = [], [], []
    for plan in plans:
        moments = _timeline(plan, rng, now)
        lessons = plan.tree.lessons[:plan.lessons_done]
        lesson_times.append(moments[:plan.lessons_done])
        mine = []
        for number in range(1, plan.attempts + 1):
            passed = plan.passes and number == plan.attempts
            attempt = _attempt(plan, number, passed, moments[plan.lessons_done + number - 1], rng)
            if attempt.status != Attempt.Status.FINISHED or bool(attempt.passed) != passed:
                raise AssertionError(f"the grading did not give the planned result: {attempt.marks}")
            mine.append(attempt)
        attempts += mine
        finished = max([plan.created_at, *moments[:plan.lessons_done], *(a.submitted_at for a in mine)])
        enrolment = Enrolment(
            user_id=plan.user.pk, course_id=plan.tree.course.pk, source=plan.source, status=plan.status,
            created_at=plan.created_at, progress_percent=_progress(plan),
            due_date=(timezone.localdate(plan.created_at) + datetime.timedelta(days=90)
                      if plan.source == Enrolment.Source.MANDATORY else None),
            last_lesson_id=lessons[-1].pk if lessons else None,
            last_activity_at=finished if (lessons or mine) else None,
            completed_at=(finished + datetime.timedelta(seconds=1)
                          if plan.status == Enrolment.Status.COMPLETED else None),
        )
        plan.enrolment = enrolment
        enrolments.append(enrolment)
    enrolments = _bulk(Enrolment, enrolments)
    if enrolments and not enrolments[0].pk:  # a database that does not return ids from bulk inserts
        ids = {(user, course): pk for pk, user, course in Enrolment.objects.values_list("pk", "user_id", "course_id")}
        for enrolment in enrolments:
            enrolment.pk = ids[(enrolment.user_id, enrolment.course_id)]
    completions, written = [], 0
    for plan, moments in zip(plans, lesson_times, strict=True):
        for lesson, moment in zip(plan.tree.lessons, moments, strict=False):
            completions.append(LessonCompletion(enrolment_id=plan.enrolment.pk, lesson_id=lesson.pk,
                                                completed_at=moment))
        if len(completions) >= 20_000:
            written += len(_bulk(LessonCompletion, completions, 5000))
            completions = []
    written += len(_bulk(LessonCompletion, completions, 5000))
    _bulk(Attempt, attempts, 1000)
    return {"enrolments": len(enrolments), "completions": written, "attempts": len(attempts)}


# --- Internships ----------------------------------------------------------------------------------------------------

BOOKING_PATHS = {
    Booking.Status.REQUESTED: ["requested"],
    Booking.Status.HEAD_REVIEW: ["head_review"],
    Booking.Status.APPROVED: ["requested", "approved"],
    Booking.Status.WAITLISTED: ["waitlisted"],
    Booking.Status.OFFERED: ["waitlisted", "offered"],
    Booking.Status.REJECTED: ["requested", "rejected"],
    Booking.Status.CANCELLED: ["requested", "approved", "cancelled"],
    Booking.Status.ATTENDED: ["requested", "approved", "attended"],
    Booking.Status.COMPLETED: ["requested", "approved", "attended", "completed"],
    Booking.Status.NO_SHOW: ["requested", "approved", "no_show"],
}


def _topics(count: int, trainer: User) -> list[Topic]:
    topics = []
    for number in range(count):
        subject = SUBJECTS[number % len(SUBJECTS)]
        topics.append(Topic(title=f"Стажировка: {subject.lower()}" + (f" ({number // len(SUBJECTS) + 1})"
                                                                        if number >= len(SUBJECTS) else ""),
                            description=f"Практика в ОНБ им. В.Д. Федорова по теме «{subject}».",
                            academic_hours=8 * (1 + number % 3), host_department=DEPARTMENTS[number % len(DEPARTMENTS)],
                            min_attendance_percent=100, report_required=False))
    topics = _bulk(Topic, topics)
    days = []
    for topic in topics:
        for day in range(1 + topics.index(topic) % 3):
            days.append(TopicDay(topic=topic, sort_order=day, title=f"День {day + 1}",
                                 content="Знакомство с отделом и практическая работа под руководством наставника."))
    _bulk(TopicDay, days)
    through = Topic.mentors.through
    _bulk(through, [through(topic_id=topic.pk, user_id=trainer.pk) for topic in topics])
    return topics


def _notes_per_session(held: list[Session], target: int, rng: random.Random) -> dict[int, int]:
    """How many completed internships (each with its note) every held session gets: `target` in all, as even as
    the sessions' seats allow."""
    notes = dict.fromkeys((s.pk for s in held), 0)
    left = target
    while left > 0:
        room = [s for s in held if notes[s.pk] < s.capacity]
        if not room:
            break
        for session in rng.sample(room, min(left, len(room))):
            notes[session.pk] += 1
            left -= 1
    return notes


def _internships(size: LoadSize, staff: list[User], admin: User, trainer: User, rng: random.Random,
                 now, note_target: int) -> list[Booking]:
    if not size.sessions:
        return []
    topics = _topics(max(4, size.sessions // 25), trainer)
    today = timezone.localdate(now)
    sessions = []
    for number in range(size.sessions):
        topic = topics[number % len(topics)]
        length = topics.index(topic) % 3 + 1
        start = today + datetime.timedelta(days=rng.randint(-700, 180))
        end = start + datetime.timedelta(days=length - 1)
        if end < today:
            status = Session.Status.CANCELLED if rng.random() < 0.05 else Session.Status.HELD
        elif start <= today:
            status = Session.Status.CLOSED
        else:
            roll = rng.random()
            status = (Session.Status.CANCELLED if roll < 0.08 else Session.Status.PLANNED if roll < 0.25
                      else Session.Status.OPEN)
        sessions.append(Session(
            topic=topic, start_date=start, end_date=end, room=f"ауд. {rng.randint(101, 420)}",
            capacity=rng.randint(8, 20), status=status, created_at=now - datetime.timedelta(days=800),
            booking_deadline=timezone.make_aware(datetime.datetime.combine(start - datetime.timedelta(days=3),
                                                                           datetime.time(18, 0))),
        ))
    sessions = _bulk(Session, sessions)
    # Internship staff come mostly from the Э(В)БК participants (the requirement), some from elsewhere.
    evbk = [u for u in staff if u.library.evbk_participant or (u.library.parent and u.library.parent.evbk_participant)]
    pool = evbk * 3 + staff
    active_topics: set[tuple[int, int]] = set()
    busy: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    held = [s for s in sessions if s.status == Session.Status.HELD]
    notes_left = _notes_per_session(held, note_target, rng)

    def pick(session: Session, active: bool) -> User | None:
        for _try in range(30):
            user = rng.choice(pool)
            if not active:
                return user
            if (user.pk, session.topic_id) in active_topics:
                continue
            if any(s <= session.end_date and session.start_date <= e for s, e in busy[user.pk]):
                continue
            active_topics.add((user.pk, session.topic_id))
            busy[user.pk].append((session.start_date, session.end_date))
            return user
        return None

    bookings = []
    for session in sessions:
        statuses: list[str] = []
        seats = session.capacity
        if session.status == Session.Status.HELD:
            holders = min(seats, max(notes_left.get(session.pk, 0), rng.randint(seats // 2, seats)))
            completed = min(holders, notes_left.get(session.pk, 0))
            statuses += [Booking.Status.COMPLETED] * completed + [Booking.Status.ATTENDED] * (holders - completed)
            statuses += [Booking.Status.NO_SHOW] * rng.randint(0, 2) + [Booking.Status.CANCELLED] * rng.randint(0, 2)
        elif session.status == Session.Status.CLOSED:
            statuses += [Booking.Status.APPROVED] * rng.randint(seats // 2, seats)
            statuses += [Booking.Status.CANCELLED] * rng.randint(0, 1)
        elif session.status == Session.Status.OPEN:
            holders = rng.randint(0, seats)
            statuses += rng.choices([Booking.Status.REQUESTED, Booking.Status.APPROVED], [3, 7], k=holders)
            if holders == seats:
                statuses += [Booking.Status.WAITLISTED] * rng.randint(1, 4)
            elif holders and rng.random() < 0.3:
                statuses[-1] = Booking.Status.OFFERED
            statuses += [Booking.Status.REJECTED] * rng.randint(0, 1) + [Booking.Status.CANCELLED] * rng.randint(0, 1)
        elif session.status == Session.Status.CANCELLED:
            statuses += [Booking.Status.CANCELLED] * rng.randint(0, seats // 2)
        booked_at = min(now, timezone.make_aware(datetime.datetime.combine(
            session.start_date - datetime.timedelta(days=20), datetime.time(10, 0))))
        for status in statuses:
            user = pick(session, status in Booking.ACTIVE)
            if user is None:
                continue
            created = booked_at - datetime.timedelta(days=rng.randint(0, 15), minutes=rng.randint(0, 600))
            booking = Booking(user=user, session=session, topic_id=session.topic_id, status=status,
                              municipality_id=user.library.municipality_id, created_at=created, created_by=user)
            if BOOKING_PATHS[status][0] == "waitlisted":
                booking.queued_at = created
            if status == Booking.Status.OFFERED:
                booking.offer_expires_at = now + datetime.timedelta(hours=session.confirm_hours)
            if status == Booking.Status.REJECTED:
                booking.reason = "Сотрудник уже проходил стажировку по этой теме."
            if status == Booking.Status.CANCELLED:
                booking.reason = ("Сессия отменена." if session.status == Session.Status.CANCELLED
                                  else "Не отпускают с работы в эти дни.")
            if status == Booking.Status.COMPLETED:
                booking.evaluation, booking.evaluated_by = Booking.Evaluation.PASSED, trainer
                booking.evaluation_comment = "Задания выполнены полностью."
                booking.completed_at = timezone.make_aware(datetime.datetime.combine(
                    session.end_date + datetime.timedelta(days=1), datetime.time(10, 0)))
            bookings.append(booking)
    bookings = _bulk(Booking, bookings)
    events, attendance = [], []
    for booking in bookings:
        session = booking.session
        path = BOOKING_PATHS[booking.status]
        previous = ""
        for step, status in enumerate(path):
            at = min(now, booking.created_at + datetime.timedelta(days=step))
            if status in ("attended", "completed", "no_show"):
                at = min(now, booking.completed_at or session.ends_at)
            events.append(BookingEvent(booking=booking, from_status=previous, to_status=status, at=at,
                                       actor=booking.user if step == 0 else admin))
            previous = status
        if booking.status in (Booking.Status.ATTENDED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW):
            mark = Attendance.Mark.ABSENT if booking.status == Booking.Status.NO_SHOW else Attendance.Mark.PRESENT
            for day in session.days:
                attendance.append(Attendance(booking=booking, day=day, mark=mark, marked_by=trainer,
                                             marked_at=session.ends_at))
    _bulk(BookingEvent, events)
    _bulk(Attendance, attendance)
    if not Requirement.objects.filter(is_active=True).exists():
        requirement = Requirement.objects.create(
            title="Стажировка сотрудников библиотек — участниц Э(В)БК (решение Совета директоров)",
            evbk_only=True, due_months=12)
        Requirement.objects.filter(pk=requirement.pk).update(created_at=now - datetime.timedelta(days=800))
        content_cache.generation_bump()  # an update() sends no signal: the kept requirements go
    return bookings


# --- Certificates ---------------------------------------------------------------------------------------------------

def _templates() -> dict[str, CertificateTemplate]:
    from .demo_courses import _certificate_templates

    _certificate_templates()
    return {kind: (CertificateTemplate.objects.filter(kind=kind, is_default=True).first()
                   or CertificateTemplate.objects.filter(kind=kind).first())
            for kind in CertificateTemplate.Kind.values}


def _facts(user: User, title: str, programme: str, hours: int, start: datetime.date, end: datetime.date,
           period_word: str) -> dict:
    """The facts the certificate services freeze (`_course_facts`, `_internship_facts`)."""
    return {
        "full_name": user.full_name,
        "name_dative": decline_full_name(user.last_name, user.first_name, user.patronymic, case="dative"),
        "library": user.library.name if user.library_id else "", "position": user.position,
        "course": title, "programme": programme, "hours": hours, "hours_phrase": hours_phrase(hours),
        "date_from": start.isoformat(), "date_to": end.isoformat(),
        "period_text": f"{period_word} " + format_period_ru(start, end),
    }


def _certificates(plans: list[Plan], programme: ProgrammePage, bookings: list[Booking]) -> int:
    templates = _templates()
    pending = []  # (issued_at, user, course, booking, template, facts)
    for plan in plans:
        if plan.status != Enrolment.Status.COMPLETED:
            continue
        course, enrolment = plan.tree.course, plan.enrolment
        pending.append((enrolment.completed_at + datetime.timedelta(minutes=1), plan.user, course, None,
                        templates[course.certificate_kind], _facts(
                            plan.user, course.title, programme.title, course.academic_hours,
                            timezone.localdate(enrolment.created_at), timezone.localdate(enrolment.completed_at),
                            "обучение")))
    for booking in bookings:
        if booking.status != Booking.Status.COMPLETED:
            continue
        session, topic = booking.session, booking.session.topic
        pending.append((booking.completed_at + datetime.timedelta(minutes=1), booking.user, None, booking,
                        templates[CertificateTemplate.Kind.INTERNSHIP], _facts(
                            booking.user, topic.title, "Стажировка в ОНБ им. В.Д. Федорова, " + topic.host_department,
                            topic.academic_hours, session.start_date, session.end_date, "стажировка")))
    pending.sort(key=lambda item: item[0])
    counters = {c.year: c for c in RegistryCounter.objects.select_for_update().all()}
    certificates = []
    for issued_at, user, course, booking, template, facts in pending:
        year = timezone.localdate(issued_at).year
        counter = counters.setdefault(year, RegistryCounter(year=year, last_number=0))
        counter.last_number += 1
        number = f"{NUMBER_PREFIX}-{year}-{counter.last_number:05d}"
        certificates.append(Certificate(
            number=number, year=year, sequence=counter.last_number, code=secrets.token_urlsafe(24), user=user,
            course=course, internship=booking, template=template, issued_at=issued_at, notified_at=issued_at,
            facts={**facts, "number": number, "issued_on": format_date_ru(timezone.localdate(issued_at)),
                   "issuer": template.issuer},
        ))
    _bulk(Certificate, certificates, 1000)
    for counter in counters.values():
        counter.save()
    return len(certificates)


# --- The whole ------------------------------------------------------------------------------------------------------

def load_seed(size: LoadSize, *, seed: int = 2026, log=lambda message: None) -> LoadResult:
    """Build the dataset, all of it or nothing (one transaction). Refuses when it is there already."""
    if load_data_exists():
        raise LoadDataExists(
            "Нагрузочные данные уже созданы в этой базе (есть учётные записи @%s). Повторный запуск ничего не "
            "меняет; для нового набора возьмите чистую базу." % LOAD_DOMAIN)
    rng = random.Random(seed)
    now = timezone.now()
    clock = _Clock(log)
    with transaction.atomic():
        home = _home()
        libraries = _libraries(size, rng)
        clock.lap("библиотеки")
        admin, trainer, staff = _people(size, libraries, rng, now)
        clock.lap("сотрудники")
        programme, trees = _pages(size, home, rng, now, trainer)
        clock.lap("страницы курсов")
        plans = _plans(size, staff, trees, rng, now)
        counts = _records(plans, rng, now)
        clock.lap("зачисления, уроки, попытки")
        note_target = round(size.certificates * NOTE_SHARE)
        bookings = _internships(size, staff, admin, trainer, rng, now, note_target)
        clock.lap("стажировки")
        certificates = _certificates(plans, programme, bookings)
        clock.lap("сертификаты")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        clock.lap("ANALYZE")
    learner = staff[0]
    counts.update({
        "libraries": Library.objects.count(), "staff": len(staff), "courses": len(trees),
        "lessons": sum(len(t.lessons) for t in trees),
        "sessions": size.sessions,
        "bookings": len(bookings), "certificates": certificates,
    })
    clock.timings.append(("всего", time.monotonic() - clock.started))
    return LoadResult(counts=counts, timings=clock.timings, admin_email=admin.email, learner_email=learner.email,
                      programme_url=programme.url or "")


def size_from(name: str, **overrides) -> LoadSize:
    return replace(SIZES[name], **overrides)


def busiest_learner() -> Enrolment:
    """In a loaded dataset, the enrolment of a learner in the middle of a course (lessons studied, an attempt
    left), preferring one under the internship requirement and then one with the most enrolments: the person whose
    pages have the most to show. The query budgets and `bench/load_pages.py` measure the pages as this person."""
    from lms.internships.compliance import person_standing

    candidates = (Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, progress_percent__gt=0,
                                           user__email__endswith="@" + LOAD_DOMAIN)
                  .select_related("user", "course").order_by("-progress_percent", "pk"))
    best = None
    for enrolment in candidates[:200]:
        if Attempt.objects.filter(user=enrolment.user, quiz__path__startswith=enrolment.course.path).count() >= 3:
            continue
        # under the internship requirement too, so that «Моё обучение» shows the person's standing
        under_requirement = person_standing(enrolment.user) is not None
        count = Enrolment.objects.filter(user=enrolment.user).count()
        if best is None or (under_requirement, count) > best[0]:
            best = ((under_requirement, count), enrolment)
    if best is None:
        raise LookupError("the dataset has no learner in the middle of a course")
    return best[1]
