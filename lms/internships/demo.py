"""Demo internships: topics from the council's decision, past and coming sessions, bookings in every state and a
requirement for the staff of Э(В)БК participants, so that the compliance page shows a realistic picture.
Everything goes through the services; a second run changes nothing."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from lms import content_cache
from lms.accounts.models import User
from lms.accounts.services import user_create
from lms.libraries.models import Library

from . import quotas, services
from .models import Booking, Requirement, Session, SessionQuota, Topic, TopicDay

TOPICS = [
    ("Виртуальная справочная служба библиотеки", 16, "Центр информационно-библиографического обслуживания",
     "Как устроена виртуальная справочная служба ОНБ: приём запросов, поиск по электронным ресурсам, ответы "
     "читателям в установленные сроки, статистика и контроль качества.",
     [("Знакомство со службой", "Регламент, роли, программное обеспечение, типы запросов."),
      ("Выполнение запросов", "Самостоятельная работа с запросами под руководством наставника.")], False),
    ("Создание электронных ресурсов: оцифровка и описание", 24, "Отдел электронных ресурсов",
     "Полный цикл создания электронной коллекции: отбор документов, сканирование, обработка изображений, "
     "метаданные, публикация в Электронной библиотеке Кузбасса.",
     [("Отбор и подготовка документов", "Критерии отбора, состояние документов, авторское право."),
      ("Сканирование и обработка", "Режимы сканирования, распознавание текста, контроль качества."),
      ("Описание и публикация", "Метаданные, загрузка в Электронную библиотеку Кузбасса.")], True),
    ("Электронный архив местной периодической печати", 16, "Отдел краеведения",
     "Формирование электронного архива районных газет: подбор номеров, оцифровка, полнотекстовый поиск, "
     "доступ читателей.",
     [("Архив периодики ОНБ", "Состав архива, технология, правовые вопросы."),
      ("Практикум", "Подготовка выпусков своей районной газеты к включению в архив.")], False),
    ("Сводный каталог периодических изданий библиотек Кузбасса", 8, "Отдел комплектования и каталогизации",
     "Участие муниципальных библиотек в сводном каталоге периодики: правила описания, ввод сведений о "
     "подписке, контроль дублетов.",
     [("Сводный каталог на практике", "Описание изданий, сведения о поступлениях, исправление ошибок.")], False),
]

# Demo staff of the Э(В)БК participants (surname, first name, patronymic, position), spread over their libraries.
STAFF = [
    ("Андреева", "Светлана", "Юрьевна", "библиотекарь"), ("Белова", "Ирина", "Петровна", "библиограф"),
    ("Гусева", "Татьяна", "Николаевна", "заведующая филиалом"), ("Демидова", "Оксана", "Викторовна", "методист"),
    ("Егорова", "Людмила", "Сергеевна", "библиотекарь"), ("Жукова", "Алёна", "Игоревна", "ведущий библиотекарь"),
    ("Зайцева", "Вера", "Алексеевна", "библиограф"), ("Ильина", "Галина", "Владимировна", "библиотекарь"),
    ("Климова", "Марина", "Олеговна", "заведующая отделом"), ("Лебедева", "Юлия", "Андреевна", "библиотекарь"),
    ("Макарова", "Елена", "Геннадьевна", "методист"), ("Никитина", "Дарья", "Павловна", "библиотекарь"),
    ("Орлова", "Надежда", "Ивановна", "главный библиотекарь"), ("Павлова", "Ксения", "Романовна", "библиограф"),
    ("Романова", "Любовь", "Михайловна", "библиотекарь"), ("Семёнова", "Анастасия", "Денисовна", "библиотекарь"),
    ("Тихонова", "Валентина", "Фёдоровна", "заведующая сельской библиотекой"),
    ("Ушакова", "Евгения", "Борисовна", "библиотекарь"), ("Филиппова", "Полина", "Артёмовна", "методист"),
    ("Харитонова", "Раиса", "Степановна", "библиотекарь"), ("Чернова", "Лариса", "Евгеньевна", "библиограф"),
    ("Шубина", "Олеся", "Вадимовна", "библиотекарь"), ("Щербакова", "Нина", "Константиновна", "библиотекарь"),
    ("Яковлева", "Кристина", "Эдуардовна", "ведущий библиограф"),
]
EVBK_CODES = ["cbs-topkinsky", "cbs-kemerovsky", "cbs-novokuznetsk"]


def _topics(trainer: User | None) -> list[Topic]:
    topics = []
    for title, hours, department, description, days, head_first in TOPICS:
        # The reference service's internship is valid for two years (recertification, cms/demo_recertification.py).
        validity = {"validity_months": 24, "recertification_window_days": 60} if title == TOPICS[0][0] else {}
        topic = Topic.objects.create(title=title, academic_hours=hours, host_department=department,
                                     description=description, head_approval_first=head_first,
                                     min_attendance_percent=100 if hours <= 8 else 75, **validity)
        for order, (day_title, content) in enumerate(days):
            TopicDay.objects.create(topic=topic, sort_order=order, title=day_title, content=content)
        if trainer:
            topic.mentors.add(trainer)
        topics.append(topic)
    return topics


def _session(topic: Topic, start: datetime.date, *, capacity: int, status: str = Session.Status.CLOSED,
             room: str = "") -> Session:
    days = max(1, len(topic.plan_days.all()))
    return Session.objects.create(
        topic=topic, start_date=start, end_date=start + datetime.timedelta(days=days - 1), capacity=capacity,
        room=room or "ауд. 305 (4 этаж)",
        booking_deadline=timezone.make_aware(datetime.datetime.combine(start - datetime.timedelta(days=3),
                                                                       datetime.time(18, 0))),
        status=status)


def _staff(password: str) -> list[User]:
    libraries = {lib.code: lib for lib in Library.objects.filter(code__in=EVBK_CODES)}
    people = []
    rng = random.Random(2026)
    for index, (last, first, patronymic, position) in enumerate(STAFF):
        email = f"staff{index + 1:02d}@demo.kuzbass-lms.ru"
        user = User.objects.filter(email=email).first() or user_create(
            email=email, password=password, last_name=last, first_name=first, patronymic=patronymic,
            library=libraries[EVBK_CODES[index % 3]], position=position)
        # Joined at different times, so that "within 12 months of joining" gives some overdue people.
        User.objects.filter(pk=user.pk).update(
            date_joined=timezone.now() - datetime.timedelta(days=rng.randint(30, 450)))
        people.append(user)
    return people


def _complete(booking: Booking, mentor: User, *, absent: bool = False) -> None:
    marks = dict.fromkeys(booking.session.days, "absent" if absent else "present")
    services.attendance_record(actor=mentor, booking=booking, marks=marks,
                               evaluation="" if absent else "passed",
                               comment="" if absent else "Задания выполнены полностью.")


@transaction.atomic
def internships_demo_seed(*, password: str) -> int:
    """Build the demo internships once. Returns how many records it created (0 on a second run)."""
    if Topic.objects.filter(title=TOPICS[0][0]).exists():
        return 0
    admin = User.objects.get(email="admin@demo.kuzbass-lms.ru")
    trainer = User.objects.filter(email="trainer@demo.kuzbass-lms.ru").first()
    head = User.objects.get(email="head@demo.kuzbass-lms.ru")
    learners = {u.email.split("@")[0]: u for u in User.objects.filter(email__startswith="learner",
                                                                        email__endswith="@demo.kuzbass-lms.ru")}
    staff = _staff(password)
    mentor = trainer or admin
    reference, digitising, archive, catalogue = _topics(trainer)
    today = timezone.localdate()

    # Past sessions, held: completed, attended without the report, a no-show.
    past_reference = _session(reference, today - datetime.timedelta(days=60), capacity=8)
    past_archive = _session(archive, today - datetime.timedelta(days=10), capacity=6)
    for person in staff[:6]:
        booking = services.booking_add(admin=admin, user=person, session=past_reference)
        _complete(booking, mentor, absent=person is staff[5])
        booking.refresh_from_db()
        if booking.status == Booking.Status.ATTENDED and person is not staff[4]:
            services.booking_report_upload(user=person, booking=booking, upload=_report(person))
    for person in staff[6:10] + [learners["learner2"]]:
        booking = services.booking_add(admin=admin, user=person, session=past_archive)
        _complete(booking, mentor)
        booking.refresh_from_db()
        if person is not staff[9]:
            services.booking_report_upload(user=person, booking=booking, upload=_report(person))
    for session in (past_reference, past_archive):
        services.session_set_status(admin=admin, session=session, status=Session.Status.HELD)

    # Coming sessions, open: requests in every state, a full one with a queue, quotas for the districts.
    soon = _session(reference, today + datetime.timedelta(days=14), capacity=4, status=Session.Status.OPEN)
    SessionQuota.objects.create(session=soon, municipality=head.library.municipality, seats=1)
    digitising_session = _session(digitising, today + datetime.timedelta(days=35), capacity=10,
                                  status=Session.Status.OPEN, room="Лаборатория оцифровки")
    # Two seats kept for a district went to the common queue yesterday: nobody from there had asked for them.
    SessionQuota.objects.create(session=digitising_session, seats=2,
                                municipality=Library.objects.get(code="cbs-kemerovsky").municipality)
    Session.objects.filter(pk=digitising_session.pk).update(
        quota_release_at=timezone.now() - datetime.timedelta(days=1))
    quotas.session_quotas_release(session=digitising_session)
    b = services.booking_request(user=staff[10], session=soon)
    services.booking_approve(admin=admin, booking=b)
    services.booking_request(user=staff[11], session=soon)                       # awaiting approval
    services.booking_approve(admin=admin, booking=services.booking_request(user=staff[13], session=soon))
    rejected = services.booking_request(user=staff[14], session=soon)
    services.booking_reject(admin=admin, booking=rejected, reason="Сотрудник уже прошёл стажировку в 2025 году.")
    # staff[15] takes the freed seat — the queue has nobody yet, so the seat is simply free
    services.booking_request(user=staff[15], session=soon)
    for person in staff[16:19]:
        services.booking_request(user=person, session=soon)                       # queue
    cancelled = services.booking_request(user=staff[12], session=digitising_session)
    services.booking_cancel(actor=staff[12], booking=cancelled, reason="Не отпускают с работы в эти дни.")
    services.booking_request(user=learners["learner"], session=digitising_session)  # head reviews first
    services.booking_nominate(head=head, user=learners["learner4"], session=digitising_session)
    offered_holder = services.booking_add(admin=admin, user=staff[19], session=soon, over_capacity=True,
                                          note="По письму управления культуры.")
    assert offered_holder.over_capacity
    # one of the approved cancels, so the first in the queue is offered the seat
    holder = Booking.objects.filter(session=soon, user=staff[10]).get()
    services.booking_cancel(actor=admin, booking=holder, reason="Болезнь.")

    # A topic with no dates yet collects interest; a cancelled session.
    for person in (learners["learner3"], staff[20], staff[21]):
        services.interest_register(user=person, topic=catalogue)
    services.session_cancel(admin=admin, session=_session(
        archive, today + datetime.timedelta(days=20), capacity=6, status=Session.Status.OPEN),
        reason="Ремонт читального зала.")
    _session(archive, today + datetime.timedelta(days=70), capacity=6, status=Session.Status.PLANNED)

    requirement = Requirement.objects.create(
        title="Стажировка сотрудников библиотек — участниц Э(В)БК (решение Совета директоров)", evbk_only=True,
        due_months=12)
    Requirement.objects.filter(pk=requirement.pk).update(created_at=timezone.now() - datetime.timedelta(days=800))
    content_cache.generation_bump()  # an update() sends no signal: the kept requirements go
    return Topic.objects.count() + Session.objects.count() + Booking.objects.count()


def _report(person: User):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = (f"Отчёт о стажировке в ОНБ им. В.Д. Федорова\n{person.full_name}\n\n"
            "Изучены технологии отдела, выполнены практические задания, опыт будет применён в своей библиотеке.\n")
    return SimpleUploadedFile("otchet.txt", text.encode("utf-8"), content_type="text/plain")
