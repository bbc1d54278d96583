import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from lms.internships.models import Session, Topic


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    title = factory.Sequence(lambda n: f"Виртуальная справочная служба {n}")
    description = "Работа виртуальной справочной службы библиотеки."
    academic_hours = 16
    host_department = "Отдел электронных ресурсов"
    min_attendance_percent = 100
    report_required = True


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    topic = factory.SubFactory(TopicFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=1))
    day_starts = datetime.time(9, 0)
    day_ends = datetime.time(17, 0)
    room = "ауд. 305"
    capacity = 10
    booking_deadline = factory.LazyAttribute(
        lambda o: timezone.make_aware(datetime.datetime.combine(o.start_date - datetime.timedelta(days=3),
                                                                datetime.time(18, 0))))
    status = Session.Status.OPEN
