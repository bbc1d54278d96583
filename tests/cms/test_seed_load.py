"""`seed_load` at size S: the counts asked for, and the invariants the services keep, checked by the services' own
rules where they have one (progress recount, grading, booking transitions)."""

from __future__ import annotations

import json
import re
from io import StringIO
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client

from certificates.models import Certificate, RegistryCounter
from certificates.services import certificate_revoke
from cms.load_data import ATTEMPTS_ALLOWED, LOAD_DOMAIN, LOAD_PASSWORD, SIZES, load_seed
from courses.quizzes import services as quiz_services
from courses.models import (Attempt, CoursePage, CourseTrainer, Enrolment, LessonCompletion, LessonPage, Question,
                            QuizPage, ScormAttempt, ScormLessonPage, ScormPackage, ScormScoState)
from courses.services import enrolment_progress_refresh
from lms.accounts.models import User
from lms.internships.models import Attendance, Booking, BookingEvent, Session

S = SIZES["S"]


@pytest.fixture
def dataset(db):
    return load_seed(S)


def test_counts_are_those_of_size_s(dataset):
    staff = User.objects.filter(email__endswith="@" + LOAD_DOMAIN).exclude(is_staff=True)
    assert staff.count() == S.staff
    assert CoursePage.objects.live().count() == S.courses
    assert LessonPage.objects.live().count() == S.courses * S.lessons_per_course
    assert QuizPage.objects.live().count() == S.courses
    assert Enrolment.objects.count() == S.enrolments
    assert LessonCompletion.objects.count() == S.completions
    assert Attempt.objects.count() == S.attempts
    assert Session.objects.count() == S.sessions
    assert Booking.objects.count() > S.sessions
    assert Certificate.objects.count() == S.certificates
    assert dataset.counts["completions"] == S.completions


def test_the_page_tree_is_sound_and_the_pages_are_live(dataset):
    out = StringIO()
    call_command("fixtree", stdout=out)  # Wagtail's own check of paths, depths and child counts
    assert out.getvalue().count("No problems found") == 2, out.getvalue()
    course = CoursePage.objects.live().order_by("path").first()
    assert course.get_children().count() == course.numchild == 5  # four modules and the final quiz
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
    assert lesson.url == f"{course.url}module-1/urok-1/" and not lesson.has_unpublished_changes
    assert lesson.first_published_at is not None and lesson.specific_class is LessonPage
    trainer = User.objects.get(email=f"trainer@{LOAD_DOMAIN}")
    assert CourseTrainer.objects.filter(user=trainer).count() == S.courses
    assert trainer.groups.filter(name__startswith="Преподаватели курса").count() == S.courses


def test_progress_is_what_the_services_count_and_completed_means_completed(dataset):
    lessons = {course.pk: set(LessonPage.objects.live().descendant_of(course).values_list("pk", flat=True))
               for course in CoursePage.objects.all()}
    done = defaultdict(set)
    for enrolment_id, lesson_id in LessonCompletion.objects.values_list("enrolment_id", "lesson_id"):
        done[enrolment_id].add(lesson_id)
    statuses = Counter()
    for enrolment in Enrolment.objects.select_related("course", "user"):
        statuses[enrolment.status] += 1
        assert done[enrolment.pk] <= lessons[enrolment.course_id]  # only the course's own lessons
        if enrolment.status == Enrolment.Status.REQUESTED:
            assert not done[enrolment.pk] and enrolment.progress_percent == 0
        before = (enrolment.progress_percent, enrolment.status)
        enrolment_progress_refresh(enrolment=enrolment)  # the services' recount changes nothing
        enrolment.refresh_from_db()
        assert (enrolment.progress_percent, enrolment.status) == before, enrolment.pk
        if enrolment.status == Enrolment.Status.COMPLETED:
            assert enrolment.completed_at is not None and enrolment.progress_percent == 100
            assert done[enrolment.pk] == lessons[enrolment.course_id]
            assert enrolment.completed_at >= enrolment.created_at
        else:
            assert enrolment.completed_at is None
        if done[enrolment.pk]:
            assert enrolment.last_lesson_id in done[enrolment.pk] and enrolment.last_activity_at is not None
    assert statuses[Enrolment.Status.ACTIVE] > statuses[Enrolment.Status.COMPLETED] > 0
    assert statuses[Enrolment.Status.REQUESTED] > 0  # courses by approval have requests waiting


def test_attempts_are_numbered_frozen_and_graded_as_the_quiz_services_grade(dataset):
    studying = set(Enrolment.objects.filter(status__in=(Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED))
                   .values_list("user_id", "course__path"))
    versions = dict(Question.objects.values_list("pk", "version"))
    numbers = defaultdict(list)
    for attempt in Attempt.objects.select_related("quiz"):
        numbers[(attempt.quiz_id, attempt.user_id)].append(attempt.number)
        course_path = attempt.quiz.path[:-QuizPage.steplen]
        assert (attempt.user_id, course_path) in studying  # only people enrolled in the course take its quiz
        assert attempt.status == Attempt.Status.FINISHED
        assert attempt.started_at < attempt.submitted_at <= attempt.deadline
        assert len(attempt.questions) == 10
        for entry in attempt.questions:
            assert versions[entry["question_id"]] == entry["version"]
            assert "question" in entry and entry["marks"] == "1.00"
        regraded = Attempt(quiz=attempt.quiz, questions=attempt.questions, answers=attempt.answers, grades={})
        quiz_services._grade(regraded)
        assert (regraded.marks, regraded.max_marks, regraded.passed) == (attempt.marks, attempt.max_marks,
                                                                          attempt.passed)
        assert attempt.max_marks == Decimal("10.00")
    for key, seen in numbers.items():
        assert sorted(seen) == list(range(1, len(seen) + 1)) and len(seen) <= ATTEMPTS_ALLOWED, key
    assert Attempt.objects.filter(passed=True).exists() and Attempt.objects.filter(passed=False).exists()


def test_bookings_respect_seats_topics_transitions_and_attendance(dataset):
    sessions = {s.pk: s for s in Session.objects.all()}
    holding = Counter()
    active_topics = Counter()
    busy = defaultdict(list)
    for booking in Booking.objects.all():
        session = sessions[booking.session_id]
        assert booking.topic_id == session.topic_id
        if booking.status in Booking.SEAT_HOLDING and not booking.over_capacity:
            holding[session.pk] += 1
        if booking.status in Booking.ACTIVE:
            active_topics[(booking.user_id, booking.topic_id)] += 1
            busy[booking.user_id].append((session.start_date, session.end_date))
        trail = list(BookingEvent.objects.filter(booking=booking).order_by("at", "pk"))
        assert trail and trail[0].from_status == "" and trail[-1].to_status == booking.status
        for earlier, later in zip(trail, trail[1:]):
            assert later.from_status == earlier.to_status
            assert later.to_status in Booking.TRANSITIONS[earlier.to_status], (earlier, later)
        days = set(Attendance.objects.filter(booking=booking).values_list("day", flat=True))
        if booking.status in (Booking.Status.ATTENDED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW):
            assert days == set(session.days)
        if booking.status == Booking.Status.COMPLETED:
            assert booking.evaluation == Booking.Evaluation.PASSED and booking.completed_at is not None
            assert session.status == Session.Status.HELD
        if session.status == Session.Status.CANCELLED:
            assert booking.status == Booking.Status.CANCELLED
    for session_id, count in holding.items():
        assert count <= sessions[session_id].capacity
    assert max(active_topics.values()) == 1  # one active booking per person and topic
    for intervals in busy.values():
        intervals.sort()
        for (_s1, end), (start, _e2) in zip(intervals, intervals[1:]):
            assert start > end  # no two sessions of one person overlap


def test_certificates_are_numbered_without_gaps_with_unique_codes(dataset):
    certificates = list(Certificate.objects.select_related("course", "internship"))
    by_year = defaultdict(list)
    for certificate in certificates:
        by_year[certificate.year].append(certificate)
        assert re.fullmatch(rf"ОНБ-{certificate.year}-\d{{5}}", certificate.number)
        assert int(certificate.number[-5:]) == certificate.sequence
        assert not certificate.pdf and certificate.status == Certificate.Status.VALID
        assert certificate.facts["name_dative"] and certificate.facts["number"] == certificate.number
        if certificate.course_id:
            assert Enrolment.objects.filter(user=certificate.user, course=certificate.course,
                                            status=Enrolment.Status.COMPLETED).exists()
        else:
            assert certificate.internship.status == Booking.Status.COMPLETED
    for year, issued in by_year.items():
        assert sorted(c.sequence for c in issued) == list(range(1, len(issued) + 1))
        assert RegistryCounter.objects.get(year=year).last_number == len(issued)
        in_time = sorted(issued, key=lambda c: c.issued_at)
        assert [c.sequence for c in in_time] == sorted(c.sequence for c in issued)  # numbered in order of issue
    assert len({c.code for c in certificates}) == len(certificates)
    assert any(c.internship_id for c in certificates) and any(c.course_id for c in certificates)
    completed_courses = Enrolment.objects.filter(status=Enrolment.Status.COMPLETED).count()
    assert Certificate.objects.filter(course__isnull=False).count() == completed_courses


def test_the_printed_logins_work_and_a_certificate_without_its_pdf_is_rendered_on_download(dataset, settings,
                                                                                          tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = Client()
    assert client.login(email=dataset.learner_email, password=LOAD_PASSWORD)
    assert client.get("/learning/").status_code == 200
    certificate = Certificate.objects.filter(course__isnull=False).select_related("user").first()
    download = f"/verify/{certificate.code}/pdf/"
    verify = client.get(f"/verify/{certificate.code}/").content.decode()
    assert certificate.number in verify and download in verify
    client.force_login(certificate.user)
    documents = client.get("/my/documents/").content.decode()
    assert certificate.number in documents and download in documents
    response = client.get(download)  # not rendered by seed_load: rendered now, once, and stored
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    certificate.refresh_from_db()
    stored = certificate.pdf.name
    assert stored and client.get(download).status_code == 200
    certificate.refresh_from_db()
    assert certificate.pdf.name == stored
    revoked = Certificate.objects.exclude(pk=certificate.pk).first()
    certificate_revoke(certificate=revoked, reason="Выдан по ошибке", actor=revoked.user)
    assert client.get(f"/verify/{revoked.code}/pdf/").status_code == 410  # a revoked document is not rendered
    revoked.refresh_from_db()
    assert not revoked.pdf
    admin = Client()
    assert admin.login(email=dataset.admin_email, password=LOAD_PASSWORD)
    assert admin.get("/admin/certificate_register/").status_code == 200
    lesson = LessonPage.objects.live().first()
    assert admin.get(f"/admin/pages/{lesson.pk}/edit/").status_code == 200  # administrators edit the pages


def test_a_second_run_refuses_in_russian(dataset):
    with pytest.raises(CommandError, match="Нагрузочные данные уже созданы"):
        call_command("seed_load", "--size", "S")
    assert Enrolment.objects.count() == S.enrolments


def test_scorm_lessons_play_the_stored_package_and_finished_courses_finished_them(dataset):
    lessons = list(ScormLessonPage.objects.live().select_related("package"))
    assert len(lessons) == S.scorm_courses == dataset.counts["scorm lessons"]
    courses = {CoursePage.objects.ancestor_of(lesson).get().pk for lesson in lessons}
    assert len(courses) == S.scorm_courses  # one per course
    package = ScormPackage.objects.get()
    assert package.version == "1.2" and [sco["launch"] for sco in package.scos] == ["index.html"]
    assert all(lesson.package == package and lesson.is_required for lesson in lessons)
    for name in ("imsmanifest.xml", "index.html"):
        assert default_storage.exists(package.storage_prefix + name)
    finished = set(ScormAttempt.objects.filter(satisfied_at__isnull=False).values_list("user_id", "lesson_id"))
    for enrolment in Enrolment.objects.filter(course_id__in=courses, status=Enrolment.Status.COMPLETED):
        lesson = next(lesson for lesson in lessons if lesson.path.startswith(enrolment.course.path))
        assert (enrolment.user_id, lesson.pk) in finished
    halfway = ScormAttempt.objects.filter(satisfied_at__isnull=True, completion_status="incomplete")
    assert halfway.exists() and dataset.counts["scorm attempts"] == ScormAttempt.objects.count()
    state = ScormScoState.objects.filter(attempt__in=halfway).first()
    assert state.suspend_data and state.data["cmi.suspend_data"] == state.suspend_data


def test_an_enrolled_learner_opens_a_scorm_lesson_and_commits(dataset):
    lesson = ScormLessonPage.objects.live().first()
    course = CoursePage.objects.ancestor_of(lesson).get()
    enrolment = Enrolment.objects.filter(course=course, status=Enrolment.Status.ACTIVE).select_related("user").first()
    client = Client()
    assert client.login(email=enrolment.user.email, password=LOAD_PASSWORD)
    page = client.get(lesson.url).content.decode()
    config = json.loads(re.search(r'<script id="scorm-config" type="application/json">(.*?)</script>', page,
                                  re.S).group(1))
    body = {"attempt": config["attempt"], "sco": config["sco"], "session": config["session"],
            "elements": {"cmi.core.lesson_location": "задание-2", "cmi.suspend_data": "x" * 500}}
    response = client.post(config["commitUrl"], json.dumps(body), content_type="application/json",
                           HTTP_X_CSRFTOKEN=config["csrf"])
    assert response.status_code == 200 and response.json()["result"] is True
    assert ScormScoState.objects.get(attempt_id=config["attempt"]).location == "задание-2"
