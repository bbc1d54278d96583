from django.contrib.admin.utils import quote
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from courses.reports import SpreadsheetReportView

from .admin_inspect import CertificateInspectView
from .admin_views import IssueViewSet
from .bulk_actions import ReissueBulkAction, RevokeBulkAction, user_may_act_in_bulk
from .models import Certificate, CertificateTemplate


class CertificateIndexView(IndexView):
    """The register's listing, with the checkboxes of the bulk actions for those who may reissue or revoke."""

    # The export (CSV/XLSX): the facts as certified (course or internship, library at issue), the status in words,
    # times in Kemerovo time like the listing (Wagtail's default writes UTC).
    export_headings = {"user.last_name": _("Last name"), "user.first_name": _("First name"),
                       "user.patronymic": _("Patronymic"), "facts.library": _("Library"),
                       "facts.course": _("Course or internship"), "get_status_display": _("Status")}
    custom_value_preprocess = SpreadsheetReportView.custom_value_preprocess

    @cached_property
    def bulk_actions_allowed(self) -> bool:
        return user_may_act_in_bulk(self.request.user)

    @cached_property
    def columns(self):
        columns = super().columns
        if not self.bulk_actions_allowed:
            return columns
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="certificate"), *columns]

    def get_base_queryset(self):
        # The holder (with the library, for the export) and the course of every row come in the listing's one
        # query; ModelViewSet has no get_queryset(request) hook, so this is where it goes.
        return super().get_base_queryset().select_related("user", "user__library", "course")

    def _get_title_column(self, *args, **kwargs):
        # the checkbox of a row is described by its registry number (aria-describedby)
        return super()._get_title_column(*args, **kwargs,
                                         get_title_id=lambda instance: f"certificate_{quote(instance.pk)}_title")


class RegisterPermissionPolicy(ModelPermissionPolicy):
    """Nobody, superusers included, adds, edits or deletes a certificate in the register: issue, reissue and
    revocation go through the services (a row written by a form would have no number, facts or PDF)."""

    def user_has_permission(self, user, action):
        return action not in {"add", "change", "delete"} and super().user_has_permission(user, action)


register_permission_policy(Certificate, RegisterPermissionPolicy(Certificate), exact_class=True)


class CertificateViewSet(ModelViewSet):
    """The register of certificates: filters by period, course, library and status; CSV/XLSX export; bulk reissue
    and revocation (certificates/bulk_actions.py)."""

    model = Certificate
    index_view_class = CertificateIndexView
    index_template_name = "certificates/admin/register_index.html"
    list_per_page = 50
    icon = "doc-full"
    menu_label = _("Register of certificates")
    add_to_admin_menu = False
    inspect_view_enabled = True
    inspect_view_class = CertificateInspectView  # labelled facts, Kemerovo time; the stored PDF is never linked
    copy_view_enabled = False
    list_display = ["number", Column("holder", label=_("Holder"), accessor="user"), "course", "status", "issued_at"]
    list_filter = {"status": ["exact"], "course": ["exact"], "issued_at": ["gte", "lte"],
                   "user__library": ["exact"]}
    list_export = ["number", "user.last_name", "user.first_name", "user.patronymic", "facts.library", "facts.course",
                   "get_status_display", "issued_at", "revoked_reason"]
    search_fields = ["number", "user__last_name"]
    search_backend_name = None
    # Administrators may only view the register: issue, reissue and revocation go through the services
    # (RegisterPermissionPolicy, registered for the model below).
    form_fields = ["revoked_reason"]
    ordering = ["-issued_at"]


class CertificateTemplateViewSet(ModelViewSet):
    model = CertificateTemplate
    icon = "form"
    menu_label = _("Certificate templates")
    list_display = ["name", "kind", "is_default"]
    form_fields = ["name", "kind", "title", "orientation", "issuer", "body_text", "place", "logo", "background_image",
                   "signatory_1_name", "signatory_1_position", "signatory_1_signature", "signatory_2_name",
                   "signatory_2_position", "signatory_2_signature", "is_default"]


class CertificatesGroup(ViewSetGroup):
    menu_label = _("Certificates")
    menu_icon = "doc-full"
    menu_order = 260
    items = (CertificateViewSet("certificate_register"), IssueViewSet("certificate_issue"),
             CertificateTemplateViewSet("certificate_templates"))


@hooks.register("register_admin_viewset")
def register_certificates():
    return CertificatesGroup()


hooks.register("register_bulk_action", ReissueBulkAction)
hooks.register("register_bulk_action", RevokeBulkAction)


def template_preview(request, pk: int):
    """The template rendered on sample data, as a PDF in the browser."""
    from django.core.exceptions import PermissionDenied

    from .pdf import render_pdf
    from .samples import sample_certificate_context
    from .services import template_design

    if not request.user.has_perm("certificates.change_certificatetemplate"):
        raise PermissionDenied
    template = get_object_or_404(CertificateTemplate, pk=pk)
    design = template_design(template)
    if not design["signatories"]:
        del design["signatories"]  # the sample's signatories show where they would stand
    context = sample_certificate_context(document_title=template.title, issuer_name=template.issuer,
                                         achievement_text=template.body_text, issue_place=template.place,
                                         orientation=template.orientation, **design)
    return HttpResponse(render_pdf("certificates/pdf/base.html", context), content_type="application/pdf")


@hooks.register("register_admin_urls")
def register_certificate_urls():
    from .compliance_views import compliance_report
    from .reports import PeopleBehindReportView

    return [
        path("reports/compliance/", compliance_report, name="certificates_compliance_report"),
        path("certificates/templates/<int:pk>/preview/", template_preview, name="certificate_template_preview"),
        path("reports/behind/", PeopleBehindReportView.as_view(), name="certificates_behind_report"),
        path("reports/behind/results/", PeopleBehindReportView.as_view(results_only=True),
             name="certificates_behind_report_results"),
    ]


@hooks.register("register_admin_urls")
def register_rating_urls():
    from .rating_views import admin_rating, admin_rating_library

    return [
        path("reports/library-rating/", admin_rating, name="certificates_rating"),
        path("reports/library-rating/<int:library_id>/", admin_rating_library, name="certificates_rating_library"),
    ]


class RatingMenuItem(MenuItem):
    def is_shown(self, request):
        from .rating_views import user_may_see_rating

        return user_may_see_rating(request.user)


@hooks.register("register_reports_menu_item")
def rating_menu_item():
    return RatingMenuItem(_("Library rating"), reverse("certificates_rating"), icon_name="pick", order=720)


@hooks.register("register_admin_urls")
def register_anonymise_url():
    from .anonymise_views import anonymise

    return [path("people/<int:pk>/anonymise/", anonymise, name="person_anonymise")]


class ComplianceMenuItem(MenuItem):
    def is_shown(self, request):
        from .compliance_views import compliance_allowed

        return compliance_allowed(request.user)


@hooks.register("register_reports_menu_item")
def compliance_menu_item():
    return ComplianceMenuItem(_("Compliance with requirements"), reverse("certificates_compliance_report"),
                              icon_name="tasks", order=70)


class BehindMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("accounts.view_library_staff")


@hooks.register("register_reports_menu_item")
def behind_report_menu_item():
    return BehindMenuItem(_("Behind the programme's hours"), reverse("certificates_behind_report"),
                          icon_name="warning", order=710)
