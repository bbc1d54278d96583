"""Course screens in the Wagtail admin: trainers and mandatory assignments (views of the viewsets in
wagtail_hooks.py), enrolment requests and group enrolment. Every change goes through courses.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.admin.views.generic.models import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
)
from wagtail.log_actions import log

from lms.accounts.models import User

from . import selectors, services, tasks
from .admin_forms import BulkEnrolmentForm, emails_from_upload
from .models import CoursePage, CourseTrainer, Enrolment

# --- Course trainers ---------------------------------------------------------------------------------------------
# A trainer link is more than a row: course_trainer_add also gives the page permissions of the course, and
# course_trainer_remove takes them back. So the generic views save and delete through the services.


class CourseTrainerIndexView(IndexView):
    # Russian needs the accusative here («Добавить преподавателя»), which the generic label cannot give.
    add_item_label = gettext_lazy("Add a course trainer")


class CourseTrainerCreateView(CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        link = services.course_trainer_add(course=data["course"], user=data["user"])
        log(instance=link, action="wagtail.create", user=self.request.user)
        return link


class CourseTrainerEditView(EditView):
    def save_instance(self):
        # The form has already put the new values on self.object; the row still holds the old ones.
        previous = CourseTrainer.objects.select_related("course", "user").get(pk=self.object.pk)
        data = self.form.cleaned_data
        if (previous.course_id, previous.user_id) == (data["course"].pk, data["user"].pk):
            return previous
        services.course_trainer_remove(course=previous.course, user=previous.user)
        link = services.course_trainer_add(course=data["course"], user=data["user"])
        log(instance=link, action="wagtail.edit", user=self.request.user)
        return link


class CourseTrainerDeleteView(DeleteView):
    def delete_action(self):
        link = self.object
        with transaction.atomic():
            log(instance=link, action="wagtail.delete", user=self.request.user, deleted=True)
            services.course_trainer_remove(course=link.course, user=link.user)


# --- Mandatory assignments ---------------------------------------------------------------------------------------

class AssignmentRuleIndexView(IndexView):
    add_item_label = gettext_lazy("Add a mandatory assignment")


class AssignmentRuleApplyMixin:
    """After a rule is saved, enrol the people it covers (in a task: a rule may cover thousands)."""

    def save_instance(self):
        rule = super().save_instance()
        if rule.is_active:
            tasks.apply_assignment_rule_task.delay_on_commit(rule.pk)
        return rule

    def save_action(self):
        response = super().save_action()
        rule = self.object
        if rule.is_active:
            covered = services.rule_matching_users(rule).count()
            messages.info(self.request, ngettext(
                "The rule covers %(count)d member of staff; whoever is not enrolled yet is being enrolled now.",
                "The rule covers %(count)d members of staff; whoever is not enrolled yet is being enrolled now.",
                covered,
            ) % {"count": covered})
        else:
            messages.info(self.request, _("The rule is not active: nobody new is enrolled by it."))
        return response


class AssignmentRuleCreateView(AssignmentRuleApplyMixin, CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class AssignmentRuleEditView(AssignmentRuleApplyMixin, EditView):
    pass


# --- Enrolment requests ------------------------------------------------------------------------------------------

def _require_course_manager(user: User) -> None:
    if not selectors.user_manages_any_course(user):
        raise PermissionDenied


def _selected_course_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_GET
def enrolment_requests(request):
    _require_course_manager(request.user)
    courses = list(selectors.courses_managed_by(request.user).only("pk", "title", "path"))
    course_id = _selected_course_id(request.GET.get("course"))
    if course_id not in {course.pk for course in courses}:
        course_id = None
    requests = selectors.enrolment_requests_for(request.user, course_id=course_id)
    page = Paginator(requests, 50).get_page(request.GET.get("p"))
    return render(request, "courses/admin/enrolment_requests.html", {
        "page": page,
        "courses": courses,
        "selected_course": course_id,
        "page_title": _("Enrolment requests"),
        "header_title": _("Enrolment requests"),
        "header_icon": "circle-check",
    })


@require_POST
def enrolment_decide(request, pk: int):
    _require_course_manager(request.user)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        return HttpResponseBadRequest()
    # Another trainer's request is not found at all, rather than refused: its existence is not ours to tell.
    managed = Enrolment.objects.filter(course__in=selectors.courses_managed_by(request.user))
    enrolment = get_object_or_404(managed.select_related("user", "course"), pk=pk)
    try:
        services.enrolment_decide(enrolment=enrolment, approve=decision == "approve", actor=request.user)
    except services.EnrolmentError as exc:
        messages.error(request, str(exc))
    else:
        text = (_("%(person)s is enrolled in «%(course)s».") if decision == "approve"
                else _("The request of %(person)s for «%(course)s» is rejected."))
        messages.success(request, text % {"person": enrolment.user.full_name or enrolment.user.email,
                                          "course": enrolment.course.title})
    url = reverse("courses_enrolment_requests")
    course_id = _selected_course_id(request.POST.get("course"))
    return redirect(f"{url}?course={course_id}" if course_id else url)


# --- Group enrolment ---------------------------------------------------------------------------------------------

@permission_required("courses.add_enrolment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def bulk_enrolment(request):
    """First POST: who would be enrolled (nothing is written). Second POST with confirm=1: enrol them."""
    data = request.POST or None
    upload_error = None
    if request.method == "POST" and request.FILES.get("emails_file"):
        # The file's addresses join the list field, so the confirmation step posts them like pasted ones.
        try:
            extracted = emails_from_upload(request.FILES["emails_file"])
        except ValidationError as exc:
            upload_error = exc.messages[0]
        else:
            data = request.POST.copy()
            data["emails"] = "\n".join(part for part in (data.get("emails", ""), extracted) if part)
    form = BulkEnrolmentForm(data)
    if upload_error:
        form.is_valid()
        form.add_error("emails_file", upload_error)
    preview = None
    if request.method == "POST" and form.is_valid():
        course: CoursePage = form.cleaned_data["course"]
        people, unknown = selectors.people_for_bulk_enrolment(**form.selection())
        if request.POST.get("confirm") == "1":
            try:
                created, existing = services.enrolment_bulk_create(
                    course=course, users=people, due_date=form.cleaned_data["due_date"], actor=request.user,
                )
            except services.EnrolmentError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("«%(course)s»: enrolled %(created)d, already enrolled %(existing)d.")
                                 % {"course": course.title, "created": created, "existing": existing})
                return redirect("courses_bulk_enrolment")
        preview = selectors.bulk_enrolment_preview(course, people, unknown)
    return render(request, "courses/admin/bulk_enrolment.html", {
        "form": form,
        "preview": preview,
        "page_title": _("Group enrolment"),
        "header_title": _("Group enrolment"),
        "header_icon": "group",
    })
