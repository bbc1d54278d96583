from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from courses import services
from courses.models import AssignmentRule, CoursePage, Enrolment
from lms.accounts.roles import Role
from tests.factories import LibraryFactory, UserFactory
from tests.factories import courses as pages

Status, Source = Enrolment.Status, Enrolment.Source


@pytest.fixture
def open_course(db):
    course = pages.course(enrolment_policy=CoursePage.Policy.OPEN)
    pages.lesson(course)
    return course


def test_enrolment_create_twice_gives_one(learner, open_course):
    first = services.enrolment_self(user=learner, course=open_course)
    second = services.enrolment_self(user=learner, course=open_course)
    assert first.pk == second.pk and Enrolment.objects.filter(user=learner).count() == 1
    assert first.status == Status.ACTIVE and first.source == Source.SELF


def test_self_enrolment_sends_a_confirmation_once(learner, open_course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_self(user=learner, course=open_course)
        services.enrolment_self(user=learner, course=open_course)
    assert len(mail.outbox) == 1
    assert open_course.title in mail.outbox[0].subject and "записаны" in mail.outbox[0].body


def test_approval_course_makes_a_request_that_a_trainer_decides(learner, django_capture_on_commit_callbacks):
    course = pages.course(enrolment_policy=CoursePage.Policy.APPROVAL)
    trainer = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=course, user=trainer)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.enrolment_self(user=learner, course=course)
    assert request.status == Status.REQUESTED
    stranger = UserFactory(role=Role.TRAINER)
    with pytest.raises(services.EnrolmentError):
        services.enrolment_decide(enrolment=request, approve=True, actor=stranger)
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.enrolment_decide(enrolment=request, approve=True, actor=trainer)
    assert decided.status == Status.ACTIVE and decided.decided_by == trainer
    assert [m.subject for m in mail.outbox][-1].endswith(f"«{course.title}»")
    with pytest.raises(services.EnrolmentError):
        services.enrolment_decide(enrolment=request, approve=False, actor=trainer)


def test_rejected_learner_is_told_and_may_ask_again(learner, administrator, django_capture_on_commit_callbacks):
    course = pages.course(enrolment_policy=CoursePage.Policy.APPROVAL)
    request = services.enrolment_self(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_decide(enrolment=request, approve=False, actor=administrator)
    assert "отклонена" in mail.outbox[-1].subject.lower()
    again = services.enrolment_self(user=learner, course=course)
    assert again.pk == request.pk and again.status == Status.REQUESTED


def test_assigned_only_course_refuses_self_enrolment(learner, db):
    course = pages.course(enrolment_policy=CoursePage.Policy.ASSIGNED)
    with pytest.raises(services.EnrolmentError, match="администратор"):
        services.enrolment_self(user=learner, course=course)
    assert not Enrolment.objects.exists()


def test_enrolment_window_and_unpublished_course(learner, db):
    today = timezone.localdate()
    closed = pages.course(enrolment_closes=today - timedelta(days=1))
    future = pages.course(enrolment_opens=today + timedelta(days=3))
    draft = pages.course(live=False)
    for course in (closed, future, draft):
        with pytest.raises(services.EnrolmentError):
            services.enrolment_self(user=learner, course=course)


def test_capacity_is_never_exceeded(db):
    course = pages.course(capacity=2)
    services.enrolment_self(user=UserFactory(), course=course)
    services.enrolment_self(user=UserFactory(), course=course)
    with pytest.raises(services.EnrolmentError, match="мест"):
        services.enrolment_self(user=UserFactory(), course=course)
    assert Enrolment.objects.filter(course=course).count() == 2


def test_withdrawn_seat_is_freed_and_the_person_may_return(db):
    course = pages.course(capacity=1)
    pages.lesson(course)
    first, second = UserFactory(), UserFactory()
    enrolment = services.enrolment_self(user=first, course=course)
    services.enrolment_withdraw(enrolment=enrolment, actor=first)
    services.enrolment_self(user=second, course=course)
    with pytest.raises(services.EnrolmentError):
        services.enrolment_self(user=first, course=course)


def test_prerequisites_must_be_completed(learner, db):
    basics = pages.course(title="Основы")
    lesson = pages.lesson(basics)
    advanced = pages.course(title="Продвинутый")
    advanced.prerequisites.add(basics)
    advanced.save()
    with pytest.raises(services.EnrolmentError, match="Основы"):
        services.enrolment_self(user=learner, course=advanced)
    services.enrolment_self(user=learner, course=basics)
    services.lesson_complete(user=learner, lesson=lesson)
    assert services.enrolment_self(user=learner, course=advanced).status == Status.ACTIVE


def test_learner_cannot_withdraw_from_an_assigned_course(learner, administrator, open_course):
    enrolment = services.enrolment_create(user=learner, course=open_course, source=Source.ADMIN, actor=administrator)
    with pytest.raises(services.EnrolmentError):
        services.enrolment_withdraw(enrolment=enrolment, actor=learner)
    other = UserFactory()
    with pytest.raises(services.EnrolmentError):
        services.enrolment_withdraw(enrolment=enrolment, actor=other)
    assert services.enrolment_withdraw(enrolment=enrolment, actor=administrator).status == Status.WITHDRAWN


def test_bulk_enrolment_is_all_or_nothing_on_capacity(administrator, db):
    course = pages.course(capacity=3)
    people = UserFactory.create_batch(4)
    with pytest.raises(services.EnrolmentError):
        services.enrolment_bulk_create(course=course, users=people, due_date=None, actor=administrator)
    assert not Enrolment.objects.filter(course=course).exists()
    created, existing = services.enrolment_bulk_create(course=course, users=people[:3], due_date=None,
                                                       actor=administrator)
    assert (created, existing) == (3, 0)
    assert services.enrolment_bulk_create(course=course, users=people[:3], due_date=None,
                                          actor=administrator) == (0, 3)


def test_mandatory_rule_covers_staff_now_and_people_who_join_later(db, django_capture_on_commit_callbacks):
    evbk = LibraryFactory(evbk_participant=True)
    other = LibraryFactory()
    course = pages.course(enrolment_policy=CoursePage.Policy.ASSIGNED)
    staff = UserFactory(library=evbk)
    UserFactory(library=other)
    due = timezone.localdate() + timedelta(days=60)
    rule = AssignmentRule.objects.create(course=course, title="Э(В)БК", evbk_only=True, due_date=due)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.assignment_rule_apply(rule=rule) == 1
    enrolment = Enrolment.objects.get(course=course)
    assert (enrolment.user, enrolment.source, enrolment.due_date) == (staff, Source.MANDATORY, due)
    assert "назначен" in mail.outbox[-1].subject.lower()
    assert services.assignment_rule_apply(rule=rule) == 0  # twice changes nothing

    from lms.accounts.services import invitation_create

    with django_capture_on_commit_callbacks(execute=True):
        newcomer = invitation_create(email="new@example.org", last_name="Новикова", first_name="Ольга",
                                     library=evbk, position="библиотекарь", invited_by=None).user
    assert Enrolment.objects.filter(user=newcomer, course=course, source=Source.MANDATORY).exists()


def test_rule_with_days_from_joining(db):
    library = LibraryFactory()
    course = pages.course()
    person = UserFactory(library=library, position="заведующая отделом")
    rule = AssignmentRule.objects.create(course=course, title="Заведующие", position_contains="заведующ",
                                         due_in_days=30)
    services.assignment_rule_apply(rule=rule)
    enrolment = Enrolment.objects.get(user=person)
    assert enrolment.due_date == timezone.localdate(max(rule.created_at, person.date_joined)) + timedelta(days=30)


def test_trainer_gets_page_permissions_on_own_course_only(db):
    from wagtail.models import Page

    mine, theirs = pages.course(), pages.course()
    trainer = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=mine, user=trainer)
    assert Page.objects.get(pk=mine.pk).permissions_for_user(trainer).can_edit()
    assert not Page.objects.get(pk=mine.pk).permissions_for_user(trainer).can_publish()
    assert not Page.objects.get(pk=theirs.pk).permissions_for_user(trainer).can_edit()
    services.course_trainer_remove(course=mine, user=trainer)
    trainer = type(trainer).objects.get(pk=trainer.pk)
    assert not Page.objects.get(pk=mine.pk).permissions_for_user(trainer).can_edit()


def test_an_assignment_settles_a_pending_request(learner, administrator, db):
    course = pages.course(enrolment_policy=CoursePage.Policy.APPROVAL, capacity=1)
    request = services.enrolment_self(user=learner, course=course)
    assert request.status == Status.REQUESTED
    assert services.enrolment_bulk_create(course=course, users=[learner], due_date=None, actor=administrator) == (1, 0)
    request.refresh_from_db()
    assert (request.status, request.source) == (Status.ACTIVE, Source.COHORT)


def test_a_rule_brings_due_dates_forward_for_people_already_enrolled(learner, db):
    course = pages.course()
    services.enrolment_self(user=learner, course=course)
    due = timezone.localdate() + timedelta(days=10)
    rule = AssignmentRule.objects.create(course=course, title="Все", position_contains="библиотекарь", due_date=due)
    assert services.assignment_rule_apply(rule=rule) == 0  # nobody new
    assert Enrolment.objects.get(user=learner).due_date == due
    assert services.assignment_rules_apply_for_user(user=learner) == 0


def test_rule_due_in_days_must_be_positive(db):
    from django.core.exceptions import ValidationError

    rule = AssignmentRule(course=pages.course(), title="Ноль", due_in_days=0)
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_self_registered_people_get_course_letters_only_after_confirming(client, db,
                                                                         django_capture_on_commit_callbacks):
    import re

    library = LibraryFactory(evbk_participant=True)
    course = pages.course()
    AssignmentRule.objects.create(course=course, title="Э(В)БК", evbk_only=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", {
            "email": "new@example.org", "last_name": "Новикова", "first_name": "Ольга", "library": library.pk,
            "position": "библиотекарь", "password1": "Kniga-Polka-77", "password2": "Kniga-Polka-77",
            "consent": "on",
        })
    assert len(mail.outbox) == 1 and not Enrolment.objects.exists()  # only the confirmation letter
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert Enrolment.objects.filter(user__email="new@example.org", course=course).exists()
