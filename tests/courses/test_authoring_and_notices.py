from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import Page

from courses import notifications, services
from courses.authoring import course_moderation_workflow_ensure, document_is_public
from courses.models import Enrolment
from courses.tasks import send_enrolment_reminders_task
from lms.accounts.roles import Role, role_group
from tests.factories import UserFactory
from tests.factories import courses as pages


def test_a_trainers_lesson_is_published_after_an_administrator_approves(db):
    programme = pages.programme()
    workflow = course_moderation_workflow_ensure(programme=programme, approvers=role_group(Role.ADMINISTRATOR))
    assert course_moderation_workflow_ensure(programme=programme, approvers=role_group(Role.ADMINISTRATOR)) == workflow
    course = pages.course(programme)
    trainer = UserFactory(role=Role.TRAINER)
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    services.course_trainer_add(course=course, user=trainer)
    lesson = pages.lesson(course, live=False, title="Новый урок")
    lesson.save_revision(user=trainer)
    assert not Page.objects.get(pk=lesson.pk).permissions_for_user(trainer).can_publish()
    assert lesson.get_workflow() == workflow
    state = workflow.start(lesson, trainer)
    task_state = state.current_task_state
    assert task_state.task.specific.user_can_access_editor(lesson, administrator)
    assert not task_state.task.specific.user_can_access_editor(lesson, trainer)
    assert not lesson.live
    task_state.approve(user=administrator)
    lesson.refresh_from_db()
    assert lesson.live


def test_documents_of_unpublished_courses_are_hidden_from_the_public(client, db):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document
    from wagtail.models import ReferenceIndex

    document = Document.objects.create(title="Памятка", file=ContentFile(b"%PDF-1.4 test", name="memo.pdf"))
    course = pages.course()
    draft = pages.lesson(course, live=False, body=[("document", {"document": document, "title": "Памятка"})])
    ReferenceIndex.create_or_update_for_object(draft)
    assert not document_is_public(document)
    assert client.get(document.url).status_code == 404
    client.force_login(UserFactory(role=Role.TRAINER))
    assert client.get(document.url).status_code == 200
    client.logout()
    draft.save_revision().publish()
    ReferenceIndex.create_or_update_for_object(draft)
    assert document_is_public(document)
    assert client.get(document.url).status_code == 200


def test_reminders_go_out_once_seven_days_one_day_before_and_when_overdue(db, administrator):
    today = timezone.localdate()
    course = pages.course()
    pages.lesson(course)
    people = {name: UserFactory() for name in ("week", "day", "late", "later", "done")}
    for name, due in (("week", today + timedelta(days=7)), ("day", today + timedelta(days=1)),
                      ("late", today - timedelta(days=2)), ("later", today + timedelta(days=20)),
                      ("done", today + timedelta(days=7))):
        services.enrolment_create(user=people[name], course=course, source=Enrolment.Source.ADMIN, due_date=due,
                                  actor=administrator)
    Enrolment.objects.filter(user=people["done"]).update(status=Enrolment.Status.COMPLETED)
    mail.outbox.clear()
    assert send_enrolment_reminders_task.delay().get() == 3
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(people[n].email for n in ("week", "day", "late"))
    subjects = " ".join(message.subject for message in mail.outbox)
    assert "неделя" in subjects and "завтра" in subjects and "истёк" in subjects
    send_enrolment_reminders_task.delay()
    assert len(mail.outbox) == 3  # each reminder once


def test_a_notice_task_run_twice_sends_once(db, learner):
    course = pages.course()
    enrolment = services.enrolment_self(user=learner, course=course)
    assert notifications.enrolment_notice_send(enrolment_id=enrolment.pk, kind="enrolled", key="k1") is True
    assert notifications.enrolment_notice_send(enrolment_id=enrolment.pk, kind="enrolled", key="k1") is False
    assert len(mail.outbox) == 1
    with pytest.raises(ValueError):
        notifications.enrolment_notice_send(enrolment_id=enrolment.pk, kind="spam", key="k2")
