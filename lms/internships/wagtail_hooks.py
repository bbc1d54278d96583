from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, Panel
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views, selectors, services
from .models import Requirement, Session, SessionQuota, Topic

INTERNSHIPS_MENU_HOOK = "register_internships_menu_item"


class TopicIndexView(IndexView):
    add_item_label = _("Add an internship topic")  # the accusative («тему»), which the generic label cannot give


class TopicViewSet(ModelViewSet):
    model = Topic
    index_view_class = TopicIndexView
    icon = "doc-full-inverse"
    menu_label = _("Topics")
    menu_order = 10
    copy_view_enabled = False
    delete_view_class = admin_views.TopicDeleteView
    list_display = ["title", "academic_hours", "host_department", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["title"]
    search_backend_name = None
    panels = [
        FieldPanel("title"), FieldPanel("description"),
        FieldRowPanel([FieldPanel("academic_hours"), FieldPanel("host_department")]),
        FieldPanel("mentors"),
        MultiFieldPanel([FieldPanel("min_attendance_percent"), FieldPanel("report_required"),
                         FieldPanel("head_approval_first")], heading=_("Completion and approval")),
        FieldRowPanel([FieldPanel("validity_months"), FieldPanel("recertification_window_days")],
                      heading=_("Recertification")),
        InlinePanel("plan_days", heading=_("Plan by days"), label=_("Day")),
        FieldPanel("is_active"),
    ]


class QuotaProposalPanel(Panel):
    """Under the quota rows: when the kept seats went to the common queue, and «Предложить квоты» (a submit button
    of the edit form: the view fills the rows from the proposal and shows the figures; nothing is saved)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "internships/admin/quota_proposal_panel.html"

        def is_shown(self):
            return bool(self.instance.pk)  # a new session is saved first (its create view has no proposal)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            session = self.instance
            seats = self.request.POST.get(admin_views.QUOTA_SEATS_INPUT) if self.request.method == "POST" else None
            if seats is None and session.pk:
                seats = sum(SessionQuota.objects.filter(session=session).values_list("seats", flat=True)) or ""
            context.update(session=session, seats=seats, seats_input=admin_views.QUOTA_SEATS_INPUT,
                           proposal=getattr(self.form, "quota_proposal", None),
                           error=getattr(self.form, "quota_proposal_error", ""),
                           removed=getattr(self.form, "quota_proposal_removed", []))
            return context


class SessionViewSet(ModelViewSet):
    model = Session
    icon = "date"
    menu_label = _("Sessions")
    menu_order = 20
    copy_view_enabled = False
    add_view_class = admin_views.SessionCreateView
    edit_view_class = admin_views.SessionEditView
    delete_view_class = admin_views.SessionDeleteView
    list_display = [
        TitleColumn("topic", label=_("Topic"), get_url=lambda obj: reverse("internships_admin_roster",
                                                                          args=[obj.pk])),
        "start_date", "end_date", "capacity", "status",
        Column("room", label=_("Room")),
    ]
    list_filter = ["status", "topic"]
    ordering = ["-start_date"]
    panels = [
        FieldPanel("topic"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldRowPanel([FieldPanel("day_starts"), FieldPanel("day_ends")]),
        FieldRowPanel([FieldPanel("room"), FieldPanel("capacity")]),
        FieldRowPanel([FieldPanel("booking_deadline"), FieldPanel("confirm_hours")]),
        FieldPanel("mentors"),
        InlinePanel("quotas", heading=_("Seats kept for municipalities"), label=_("Quota")),
        FieldPanel("quota_release_at"),
        QuotaProposalPanel(heading=_("Propose quotas")),
    ]

    def get_index_view_kwargs(self, **kwargs):
        # ModelViewSet never calls a get_queryset(request) (that is a SnippetViewSet hook): the listing gets
        # its related rows this way, in one query.
        return super().get_index_view_kwargs(queryset=Session.objects.select_related("topic"), **kwargs)


class RequirementViewSet(ModelViewSet):
    model = Requirement
    icon = "warning"
    menu_label = _("Requirements")
    menu_order = 30
    copy_view_enabled = False
    list_display = ["title", "evbk_only", "municipality", "library", "due_date", "due_months", "is_active"]
    list_filter = ["is_active"]
    panels = [
        FieldPanel("title"),
        MultiFieldPanel([FieldPanel("evbk_only"), FieldPanel("municipality"), FieldPanel("library"),
                         FieldPanel("position_contains"), FieldPanel("people")], heading=_("Who")),
        FieldPanel("topics"),
        FieldRowPanel([FieldPanel("due_date"), FieldPanel("due_months")], heading=_("By when")),
        FieldPanel("is_active"),
    ]

    def get_index_view_kwargs(self, **kwargs):
        # ModelViewSet never calls a get_queryset(request) (that is a SnippetViewSet hook): the listing gets
        # its related rows this way, in one query.
        return super().get_index_view_kwargs(queryset=Requirement.objects.select_related("municipality", "library"), **kwargs)


class AdminMenuItem(MenuItem):
    def is_shown(self, request):
        return services.user_is_internship_admin(request.user)


class InternshipsGroup(ViewSetGroup):
    menu_label = _("Internships")
    menu_icon = "group"
    menu_order = 255
    submenu_hook = INTERNSHIPS_MENU_HOOK
    items = (TopicViewSet("internship_topics"), SessionViewSet("internship_sessions"),
             RequirementViewSet("internship_requirements"))


@hooks.register("register_admin_viewset")
def register_internships():
    return InternshipsGroup()


@hooks.register("register_admin_urls")
def register_internship_urls():
    return [
        path("internships/requests/", admin_views.booking_requests, name="internships_admin_requests"),
        path("internships/bookings/<int:pk>/decide/", admin_views.booking_decide, name="internships_admin_decide"),
        path("internships/bookings/<int:pk>/attendance/", admin_views.booking_attendance,
             name="internships_admin_attendance"),
        path("internships/sessions/<int:pk>/roster/", admin_views.session_roster, name="internships_admin_roster"),
        path("internships/sessions/<int:pk>/status/", admin_views.session_status,
             name="internships_admin_session_status"),
        path("internships/sessions/<int:pk>/add/", admin_views.session_add_person,
             name="internships_admin_add_person"),
        path("internships/calendar/", admin_views.sessions_calendar, name="internships_admin_calendar"),
        path("internships/mentoring/", admin_views.mentor_sessions, name="internships_admin_mentoring"),
        path("reports/internship-compliance/", admin_views.compliance_report, name="internships_admin_compliance"),
    ]


@hooks.register(INTERNSHIPS_MENU_HOOK)
def requests_menu_item():
    return AdminMenuItem(_("Requests to decide"), reverse("internships_admin_requests"), icon_name="circle-check",
                         order=1)


@hooks.register(INTERNSHIPS_MENU_HOOK)
def calendar_menu_item():
    return AdminMenuItem(_("Calendar"), reverse("internships_admin_calendar"), icon_name="calendar", order=2)


class MentorMenuItem(MenuItem):
    """Shown to mentors of at least one session."""

    def is_shown(self, request):
        if not hasattr(request, "_mentors_sessions"):
            request._mentors_sessions = selectors.sessions_mentored_by(request.user).exists()
        return request._mentors_sessions


@hooks.register("register_admin_menu_item")
def mentor_menu_item():
    return MentorMenuItem(_("My internship groups"), reverse("internships_admin_mentoring"), icon_name="group",
                          order=256)


# The compliance report covers every requirement now: certificates/compliance_views.py (its menu item too).
