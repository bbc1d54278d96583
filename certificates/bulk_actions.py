"""Bulk reissue and revocation from the register of certificates (Wagtail's bulk actions).

The administrator ticks certificates in the register, picks «Переоформить» or «Отозвать», sees a confirmation page
listing them (with the reason to fill in for a revocation) and confirms. The work is done by the services
(certificate_reissue_many, certificate_revoke_many): all of the selection or nothing, with the refusal shown on
the confirmation page. Only people with the permission (administrators of ОНБ) may; the selection is always the
ticked rows (the listing offers no «all in the listing», so a filter can never widen what is acted on).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.admin.views.bulk_action import BulkAction

from . import services
from .models import Certificate

REISSUE_PERMISSION = "certificates.reissue_certificate"
REVOKE_PERMISSION = "certificates.revoke_certificate"


def user_may_act_in_bulk(user) -> bool:
    return user.has_perm(REISSUE_PERMISSION) or user.has_perm(REVOKE_PERMISSION)


class CertificateBulkAction(BulkAction):
    models = [Certificate]
    permission: str = ""
    form_class = forms.Form

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model, object_ids):
        ids = [pk for pk in object_ids if str(pk).isdigit()]  # "all" and other junk select nothing
        return list(Certificate.objects.filter(pk__in=ids).select_related("user", "course").order_by("number"))

    def get_actionable_objects(self):
        return self.get_queryset(self.model, self.request.GET.getlist("id")), {"items_with_no_access": []}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificates = [entry["item"] for entry in context["items"]]
        context.update(
            header_icon="doc-full",
            not_valid=[c for c in certificates if c.status != Certificate.Status.VALID],
            page_title=self.display_name,
        )
        return context

    def form_valid(self, form):
        self.cleaned_form = form
        certificates, _no_access = self.get_actionable_objects()
        try:
            done = self.run_service([c.pk for c in certificates], form.cleaned_data)
        except services.CertificateError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message(len(done)))
        return redirect(self.next_url)

    def run_service(self, certificate_ids: list[int], data: dict) -> list[Certificate]:
        raise NotImplementedError

    def success_message(self, count: int) -> str:
        raise NotImplementedError


class ReissueBulkAction(CertificateBulkAction):
    display_name = _("Reissue")
    action_type = "reissue"
    aria_label = _("Reissue the selected certificates")
    template_name = "certificates/admin/bulk_reissue.html"
    action_priority = 10
    permission = REISSUE_PERMISSION

    def run_service(self, certificate_ids, data):
        return services.certificate_reissue_many(certificate_ids=certificate_ids, actor=self.request.user)

    def success_message(self, count):
        return ngettext("%(count)d certificate reissued; the holder gets the new document by e-mail.",
                        "%(count)d certificates reissued; the holders get the new documents by e-mail.",
                        count) % {"count": count}


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=capfirst(Certificate._meta.get_field("revoked_reason").verbose_name),
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public verification page of every revoked certificate."),
    )


class RevokeBulkAction(CertificateBulkAction):
    display_name = _("Revoke")
    action_type = "revoke"
    aria_label = _("Revoke the selected certificates")
    template_name = "certificates/admin/bulk_revoke.html"
    action_priority = 20
    classes = {"serious"}
    permission = REVOKE_PERMISSION
    form_class = RevokeForm

    def run_service(self, certificate_ids, data):
        return services.certificate_revoke_many(certificate_ids=certificate_ids, reason=data["reason"],
                                                actor=self.request.user)

    def success_message(self, count):
        return ngettext("%(count)d certificate revoked.", "%(count)d certificates revoked.", count) % {"count": count}
