"""Learner pages: catalogue, course, lesson, «Моё обучение», and the POST actions behind their buttons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from lms.internships import selectors as internship_selectors
from lms.internships.compliance import person_standing

from . import selectors, services
from .models import CoursePage, Enrolment, LessonPage

Status = Enrolment.Status


@login_required
@require_POST
def enrol(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        enrolment = services.enrolment_self(user=request.user, course=course)
    except services.EnrolmentError as exc:
        messages.error(request, str(exc))
        return redirect(course.url)
    if enrolment.status == Status.REQUESTED:
        messages.success(request, _("Your request has been sent. You will receive an e-mail when it is decided."))
    else:
        messages.success(request, _("You are enrolled. Good luck with your studies!"))
    return redirect(course.url)


@login_required
@require_POST
def withdraw(request, course_id: int):
    enrolment = get_object_or_404(Enrolment.objects.select_related("course"), course_id=course_id, user=request.user)
    try:
        services.enrolment_withdraw(enrolment=enrolment, actor=request.user)
    except services.EnrolmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You have left the course. What you studied is kept if you return."))
    return redirect(enrolment.course.url)


@login_required
@require_POST
def complete_lesson(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        enrolment = services.lesson_complete(user=request.user, lesson=lesson)
    except services.EnrolmentError as exc:
        messages.error(request, str(exc))
        return redirect(lesson.url)
    if enrolment.status == Status.COMPLETED:
        messages.success(request, _("Lesson studied. You have completed the course!"))
    target = request.POST.get("next_url", "")
    next_page = None
    if target.isdigit():  # the next item of the course: a lesson, a quiz or a SCORM lesson
        next_page = Page.objects.live().descendant_of(enrolment.course).filter(pk=target).first()
    return redirect(next_page.url if next_page else enrolment.course.url)


@login_required
def dashboard(request):
    data = selectors.learner_dashboard(request.user)
    return render(request, "courses/dashboard.html", {
        "dashboard": data,
        "internship_bookings": internship_selectors.dashboard_bookings(request.user),
        "internship_standing": person_standing(request.user),
    })
