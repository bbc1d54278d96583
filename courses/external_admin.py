"""Administrators' screens in the Wagtail admin: external training awaiting confirmation (confirm, or reject with a
reason) and marking a course complete by hand (with the audit of earlier ones)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from lms.accounts.models import User

from . import external, services
from .models import CoursePage, ExternalTraining, ManualCompletion


def _header(title: str, icon: str) -> dict:
    return {"page_title": title, "header_title": title, "header_icon": icon}


def external_review(request):
    if not external.can_review(request.user):
        raise PermissionDenied
    pending = external.external_trainings_pending()
    page = Paginator(pending, 50).get_page(request.GET.get("p"))
    count = page.paginator.count
    return render(request, "courses/admin/external_review.html", {
        "page": page, "decided": external.external_trainings_decided(),
        "count_text": ngettext("%(count)s entry awaits confirmation.", "%(count)s entries await confirmation.",
                               count) % {"count": count},
        **_header(_("External training"), "doc-full"),
    })


@require_POST
def external_decide(request, pk: int):
    if not external.can_review(request.user):
        raise PermissionDenied
    decision = request.POST.get("decision")
    if decision not in ("confirm", "reject"):
        return HttpResponseBadRequest()
    entry = get_object_or_404(ExternalTraining.objects.select_related("user"), pk=pk)
    try:
        if decision == "confirm":
            external.external_training_confirm(entry=entry, actor=request.user)
        else:
            external.external_training_reject(entry=entry, actor=request.user, reason=request.POST.get("reason", ""))
    except external.ExternalTrainingError as error:
        messages.error(request, str(error))
    else:
        text = (_("«%(title)s» of %(person)s is confirmed.") if decision == "confirm"
                else _("«%(title)s» of %(person)s is rejected."))
        messages.success(request, text % {"title": entry.title, "person": entry.user.full_name or entry.user.email})
    return redirect("courses_external_review")


class CompleteByHandForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail of the person"))
    course = forms.ModelChoiceField(label=gettext_lazy("Course"), queryset=CoursePage.objects.none())
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=1000,
                             help_text=gettext_lazy("For example: studied in a face-to-face group, order № 12."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")

    def clean_email(self):
        person = User.objects.filter(email__iexact=self.cleaned_data["email"].strip()).first()
        if person is None:
            raise forms.ValidationError(_("No person with this e-mail."))
        self.person = person
        return person.email


@require_http_methods(["GET", "POST"])
def complete_by_hand(request):
    if not request.user.has_perm("courses.change_enrolment"):
        raise PermissionDenied
    form = CompleteByHandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = form.cleaned_data["course"]
        try:
            services.enrolment_complete_by_hand(user=form.person, course=course, actor=request.user,
                                                reason=form.cleaned_data["reason"])
        except services.EnrolmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("«%(course)s» is marked complete for %(person)s.") % {
                "course": course.title, "person": form.person.full_name or form.person.email})
            return redirect("courses_complete_by_hand")
    recent = (ManualCompletion.objects.select_related("enrolment__user", "enrolment__course", "completed_by")
              .order_by("-completed_at")[:30])
    return render(request, "courses/admin/complete_by_hand.html", {
        "form": form, "recent": recent, **_header(_("Mark a course complete"), "check"),
    })
