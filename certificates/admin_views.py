"""«Выдать документы»: who has completed a course or an internship and holds no valid document for it; an
administrator ticks people (or presses a row's button) and issues their documents.

The listing is read by selectors (a fixed number of queries whatever the number of rows); the button posts to a
view that calls one service, certificate_issue_many: all of the selection or nothing, the refusal shown as a
message. Only people with the permission certificates.issue_certificate (administrators of ОНБ) see or use it.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.viewsets.base import ViewSet

from courses.models import CoursePage, Enrolment
from lms.internships.models import Topic
from lms.libraries.models import Library, Municipality

from . import selectors, services

ISSUE_PERMISSION = "certificates.issue_certificate"


def user_may_issue(user) -> bool:
    return user.is_active and user.has_perm(ISSUE_PERMISSION)


class PendingFilterSet(WagtailFilterSet):
    """The form of the filters only: the selector applies them (the listing is a union of two tables)."""

    kind = django_filters.ChoiceFilter(
        label=_("Course or internship"), method="keep", empty_label=_("All"), widget=forms.RadioSelect,
        choices=[(selectors.COURSE, _("Courses")), (selectors.INTERNSHIP, _("Internships"))],
    )
    course = django_filters.ModelChoiceFilter(
        label=_("Course"), method="keep",
        queryset=CoursePage.objects.exclude(certificate_kind=CoursePage.CertificateKind.NONE).order_by("title"),
    )
    topic = django_filters.ModelChoiceFilter(label=capfirst(_("Internship topic")), method="keep",
                                             queryset=Topic.objects.order_by("title"))
    library = django_filters.ModelChoiceFilter(label=_("Library"), method="keep",
                                               queryset=Library.objects.order_by("short_name"))
    municipality = django_filters.ModelChoiceFilter(label=_("Municipality"), method="keep",
                                                    queryset=Municipality.objects.all())
    completed = django_filters.DateFromToRangeFilter(label=_("Completed between"), method="keep",
                                                     widget=DateRangePickerWidget)

    class Meta:
        model = Enrolment
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset


class PendingPaginator(WagtailPaginator):
    @cached_property
    def items_count_label(self) -> str:
        return ngettext("%(count)d completed without a document", "%(count)d completed without a document",
                        self.count) % {"count": self.count}


class PendingIssueView(BaseListingView):
    """The listing: completed without a document, with filters, pages of 50, checkboxes and the issue buttons."""

    page_title = _("Issue certificates")
    header_icon = "doc-full"
    template_name = "certificates/admin/issue_index.html"
    results_template_name = "certificates/admin/issue_results.html"
    filterset_class = PendingFilterSet
    paginate_by = 50
    index_url_name = "certificate_issue:index"
    index_results_url_name = "certificate_issue:index_results"
    paginator_class = PendingPaginator

    def dispatch(self, request, *args, **kwargs):
        if not user_may_issue(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        data = self.filters.form.cleaned_data if self.filters.is_valid() else {}
        completed = data.get("completed")
        return selectors.completed_without_certificate(
            kind=data.get("kind") or "", course=data.get("course"), topic=data.get("topic"),
            library=data.get("library"), municipality=data.get("municipality"),
            completed_from=completed.start if completed else None, completed_to=completed.stop if completed else None,
        )

    def filter_queryset(self, queryset):
        return queryset  # the selector has applied the filters

    @cached_property
    def return_url(self) -> str:
        """Where the issue button comes back to: this listing with its filters and page."""
        query = [(key, value) for key, values in self.request.GET.lists() for value in values
                 if key != "_w_filter_fragment"]
        return self.index_url + ("?" + urlencode(query) if query else "")

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["rows"] = selectors.pending_completions(context["object_list"])
        context["issue_url"] = reverse("certificate_issue:issue")
        context["return_url"] = self.return_url
        return context


def _parse_keys(values) -> tuple[list[int], list[int]]:
    """«enrolment:12» and «booking:5» from the form; anything else selects nothing."""
    enrolment_ids, booking_ids = [], []
    for value in values:
        kind, _sep, pk = str(value).partition(":")
        if pk.isdigit() and kind == "enrolment":
            enrolment_ids.append(int(pk))
        elif pk.isdigit() and kind == "booking":
            booking_ids.append(int(pk))
    return enrolment_ids, booking_ids


class IssueView(View):
    """The issue button: a row's own button sends `single`, the button under the table sends the ticked `row`s."""

    def dispatch(self, request, *args, **kwargs):
        if not user_may_issue(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        chosen = [request.POST["single"]] if request.POST.get("single") else request.POST.getlist("row")
        enrolment_ids, booking_ids = _parse_keys(chosen)
        try:
            result = services.certificate_issue_many(enrolment_ids=enrolment_ids, booking_ids=booking_ids,
                                                     actor=request.user)
        except services.CertificateError as error:
            messages.error(request, str(error))
        else:
            if result.issued:
                messages.success(request, ngettext(
                    "%(count)d certificate issued; the holder gets it by e-mail.",
                    "%(count)d certificates issued; the holders get them by e-mail.",
                    len(result.issued)) % {"count": len(result.issued)})
            if result.already_held:
                messages.warning(request, ngettext(
                    "%(count)d of the selected already held a certificate; it was not issued again.",
                    "%(count)d of the selected already held certificates; they were not issued again.",
                    len(result.already_held)) % {"count": len(result.already_held)})
        return redirect(self._next_url(request))

    @staticmethod
    def _next_url(request) -> str:
        next_url = request.POST.get("next", "")
        index = reverse("certificate_issue:index")
        if next_url.startswith(index) and url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return next_url
        return index


class IssueMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_issue(request.user)


class IssueViewSet(ViewSet):
    """The screen in the «Certificates» menu group."""

    icon = "doc-full"
    menu_label = _("Issue certificates")
    menu_item_class = IssueMenuItem

    def get_urlpatterns(self):
        return [
            path("", PendingIssueView.as_view(), name="index"),
            path("results/", PendingIssueView.as_view(results_only=True), name="index_results"),
            path("issue/", IssueView.as_view(), name="issue"),
        ]
