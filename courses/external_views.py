"""Pages of external training: the person's own list and form, a library head's page for their staff, the private
download of a scanned document (front site, no JavaScript needed)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lms.accounts.selectors import staff_visible_to

from . import external
from .models import ExternalTraining


class _DateInput(forms.DateInput):
    input_type = "date"  # the browser's own date picker; typed dates work as well

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class ExternalTrainingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Training title"), max_length=300,
                            help_text=gettext_lazy("As written in the document: course, seminar, conference."))
    organisation = forms.CharField(label=gettext_lazy("Organisation"), max_length=300)
    academic_hours = forms.IntegerField(label=gettext_lazy("Academic hours"))
    starts_on = forms.DateField(label=gettext_lazy("Start date"), widget=_DateInput())
    ends_on = forms.DateField(label=gettext_lazy("End date"), widget=_DateInput())
    document = forms.FileField(
        label=gettext_lazy("Scanned document"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=gettext_lazy("A certificate or a diploma: PDF, JPEG or PNG, up to 5 MB. Optional."))

    field_order = ["person", "title", "organisation", "academic_hours", "starts_on", "ends_on", "document"]

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"] = forms.ModelChoiceField(label=_("Staff member"), queryset=people)
            self.order_fields(self.field_order)


def _record(request, form: ExternalTrainingForm, person) -> bool:
    """Call the service with the form's data; a broken rule becomes the form's error."""
    data = form.cleaned_data
    try:
        external.external_training_record(
            person=person, actor=request.user, title=data["title"], organisation=data["organisation"],
            academic_hours=data["academic_hours"], starts_on=data["starts_on"], ends_on=data["ends_on"],
            document=data.get("document"))
    except external.ExternalTrainingError as error:
        form.add_error(None, str(error))
        return False
    messages.success(request, _("The training is recorded. An administrator of ОНБ will confirm it."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def my_external(request):
    form = ExternalTrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and _record(request, form, request.user):
        return redirect("courses:external")
    return render(request, "courses/external.html", {
        "form": form, "entries": external.external_trainings_of(request.user),
    })


def _is_head(user) -> bool:
    return user.has_perm("accounts.view_library_staff") and not user.has_perm("accounts.view_user")


@login_required
@require_http_methods(["GET", "POST"])
def staff_external(request):
    """A library head: the external training of own staff, a form to record one for a staff member, and the staff's
    training records."""
    if not _is_head(request.user):
        raise PermissionDenied
    people = staff_visible_to(request.user).order_by("last_name", "first_name", "patronymic")
    form = ExternalTrainingForm(request.POST or None, request.FILES or None, people=people)
    if request.method == "POST" and form.is_valid() and _record(request, form, form.cleaned_data["person"]):
        return redirect("courses:external_staff")
    return render(request, "courses/external_staff.html", {
        "form": form, "entries": external.external_trainings_of_staff(request.user), "people": people,
    })


@login_required
def external_document(request, pk: int):
    """The scanned document, for the person, their library head and administrators; 404 for anyone else."""
    entry = get_object_or_404(ExternalTraining, pk=pk)
    if not entry.document or not external.may_see_document(request.user, entry):
        raise Http404
    extension = entry.document.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(entry.document.open("rb"), as_attachment=False, filename=f"document-{entry.pk}.{extension}",
                            content_type=external.CONTENT_TYPES.get(extension, "application/octet-stream"))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
