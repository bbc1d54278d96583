"""«Обезличить»: the administrator's confirmation page for anonymising a person who left (152-ФЗ).

GET explains what goes and what stays and asks for the person's surname or e-mail; only a POST with it typed
right calls the service (certificates.anonymisation.person_anonymise). Administrators only; refused for superusers
and for the administrator's own account. The action is reached from the person's page in Wagtail's user screens.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages

from .anonymisation import (
    AnonymisationError,
    is_anonymised,
    person_anonymise,
    refusal_reason,
    user_may_anonymise,
)


class ConfirmationForm(forms.Form):
    confirmation = forms.CharField(label=gettext_lazy("Surname or e-mail of the person"), max_length=254,
                                   widget=forms.TextInput(attrs={"autocomplete": "off"}))


@require_http_methods(["GET", "POST"])
def anonymise(request, pk: int):
    if not user_may_anonymise(request.user):
        raise PermissionDenied
    person = get_object_or_404(get_user_model().objects.select_related("library"), pk=pk)
    anonymised = is_anonymised(person)
    refusal = "" if anonymised else refusal_reason(person=person, actor=request.user)
    form = ConfirmationForm(request.POST or None)
    if request.method == "POST" and not anonymised and not refusal and form.is_valid():
        try:
            person_anonymise(person=person, actor=request.user, confirmation=form.cleaned_data["confirmation"])
        except AnonymisationError as exc:
            form.add_error("confirmation", str(exc))
        else:
            messages.success(request, _("The person's personal data were erased; the account is closed."))
            return redirect("wagtailusers_users:edit", person.pk)
    return TemplateResponse(request, "certificates/admin/anonymise_confirm.html", {
        "person": person, "form": form, "refusal": refusal, "anonymised": anonymised,
        "page_title": _("Anonymise"), "header_title": _("Anonymise"), "header_icon": "user",
    }, status=400 if request.method == "POST" and not anonymised else 200)
