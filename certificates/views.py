"""Public verification, the learner's «Мои документы», and PDF downloads."""

from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .models import Certificate
from .selectors import certificate_by_number_and_surname

VERIFY_LIMIT = 30  # lookups per minute per address: enough for people, too few for guessing


def _over_limit(key: str, limit: int, seconds: int) -> bool:
    """Count one more use of `key` in a window of `seconds`; True once the count passes `limit`."""
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key) > limit
    except ValueError:  # the window ended between add and incr
        return False


def _rate_limited(request) -> bool:
    # The client's address as the proxies we trust report it (DJANGO_TRUSTED_PROXY_COUNT), the same as allauth.
    return _over_limit(f"certificates:verify:{get_account_adapter().get_client_ip(request)}", VERIFY_LIMIT, 60)


def _too_many(request):
    return render(request, "429.html", status=429)


def _unknown(request):
    # One answer for every reason (no such code, malformed code, deleted): nothing to learn from it.
    return render(request, "certificates/verify_unknown.html", status=404)


@never_cache
def verify(request, code: str):
    if _rate_limited(request):
        return _too_many(request)
    certificate = (Certificate.objects.select_related("replaced_by").filter(code=code).first()
                   if 16 <= len(code) <= 64 else None)
    if certificate is None:
        return _unknown(request)
    return render(request, "certificates/verify.html", {"certificate": certificate})


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Registry number"), max_length=32,
                             widget=forms.TextInput(attrs={"placeholder": "ОНБ-2026-00042"}))
    last_name = forms.CharField(label=_("Surname of the holder"), max_length=150)


@never_cache
def lookup(request):
    form = LookupForm(request.GET or None)
    if request.GET and form.is_valid():
        if _rate_limited(request):
            return _too_many(request)
        certificate = certificate_by_number_and_surname(form.cleaned_data["number"], form.cleaned_data["last_name"])
        if certificate is None:
            return _unknown(request)
        return redirect("certificates:verify", certificate.code)
    return render(request, "certificates/lookup.html", {"form": form})


@login_required
def my_documents(request):
    certificates = (Certificate.objects.filter(user=request.user).select_related("course", "replaced_by")
                    .order_by("-issued_at"))
    return render(request, "certificates/my_documents.html", {"certificates": certificates})


def _rendered(certificate: Certificate) -> Certificate:
    """A valid certificate whose PDF is not stored yet (its task is still queued, or the data was loaded in bulk by
    seed_load) is rendered now, once: the row lock makes a simultaneous download wait and then find the file."""
    from .services import certificate_render_pdf

    with transaction.atomic():
        locked = (Certificate.objects.select_for_update(of=("self",)).select_related(
            "template", "template__logo", "template__background_image", "template__signatory_1_signature",
            "template__signatory_2_signature").get(pk=certificate.pk))
        if not locked.pdf:
            certificate_render_pdf(certificate=locked)
    return locked


@never_cache
def download(request, code: str):
    """The owner, administrators and whoever holds the verification code may fetch the PDF of a valid certificate.

    A revoked or replaced one is never served (its stored file is the clean document it was): everyone, holder and
    administrators included, gets the check page's explanation instead, with 410 Gone. The route shares the check
    page's rate limit, so the QR code's address is no way around it."""
    if _rate_limited(request):
        return _too_many(request)
    certificate = (Certificate.objects.select_related("replaced_by").filter(code=code).first()
                   if 16 <= len(code) <= 64 else None)
    if certificate is None:
        return _unknown(request)
    if certificate.status != Certificate.Status.VALID:
        return render(request, "certificates/verify.html", {"certificate": certificate, "pdf_refused": True},
                      status=410)
    if not certificate.pdf:
        certificate = _rendered(certificate)
    return FileResponse(certificate.pdf.open("rb"), content_type="application/pdf", as_attachment=False,
                        filename=f"{certificate.number}.pdf")


@login_required
def training_record(request):
    from .selectors import training_record as record_for

    return render(request, "certificates/training_record.html", {"record": record_for(request.user)})


def _record_pdf(person, filename: str):
    from django.http import HttpResponse

    from .pdf import render_pdf
    from .selectors import training_record as record_for

    record = record_for(person)
    data = render_pdf("certificates/pdf/training_record.html", {"record": record, "today": timezone.localdate()})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def training_record_pdf(request):
    return _record_pdf(request.user, "training-record.pdf")


@login_required
def staff_training_record_pdf(request, user_id: int):
    """The training record of a staff member, for their library head (own library and its branches) and for
    administrators; 404 for anyone else, so nobody learns who exists."""
    from django.shortcuts import get_object_or_404

    from lms.accounts.selectors import staff_visible_to

    person = get_object_or_404(staff_visible_to(request.user), pk=user_id)
    return _record_pdf(person, f"training-record-{person.pk}.pdf")
# --- the person's own data (152-ФЗ) -------------------------------------------------------------------------------

PERSONAL_DATA_LIMIT = 10  # downloads per hour per person: the export reads everything, so it is not a free loop


def _personal_data_rate_limited(request) -> bool:
    return _over_limit(f"certificates:personal-data:{request.user.pk}", PERSONAL_DATA_LIMIT, 3600)


@never_cache
@login_required
def my_data(request):
    """Everything the platform holds about the person who asks (only about them), as JSON."""
    from .personal_data import personal_data_json

    return _personal_data_download(request, personal_data_json, "application/json; charset=utf-8", "my-data.json")


@never_cache
@login_required
def my_data_pdf(request):
    """The same as my_data, as a readable PDF."""
    from .personal_data import personal_data_pdf

    return _personal_data_download(request, personal_data_pdf, "application/pdf", "my-data.pdf")


def _personal_data_download(request, render, content_type: str, filename: str):
    from django.http import HttpResponse

    if _personal_data_rate_limited(request):
        return _too_many(request)
    response = HttpResponse(render(user=request.user), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
