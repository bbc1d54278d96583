from django.http import Http404
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from lms.accounts.wagtail_hooks import PermissionMenuItem

from . import admin_views, external_admin, selectors
from .admin_forms import AssignmentRuleForm, CourseTrainerForm
from .admin_menu import LEARNING_MENU_HOOK, CourseManagerMenuItem
from .authoring import document_is_public
from .models import AssignmentRule, CourseTrainer
from .reports import LearnersReportView


@hooks.register("before_serve_document")
def hide_documents_of_unpublished_courses(document, request):
    """Documents and videos of courses still in preparation are for editors only."""
    if request.user.is_authenticated and request.user.has_perm("wagtailadmin.access_admin"):
        return None
    if not document_is_public(document):
        raise Http404
    return None


class CourseTrainerViewSet(ModelViewSet):
    model = CourseTrainer
    icon = "user"
    menu_label = _("Course trainers")
    menu_order = 40
    index_view_class = admin_views.CourseTrainerIndexView
    add_view_class = admin_views.CourseTrainerCreateView
    edit_view_class = admin_views.CourseTrainerEditView
    delete_view_class = admin_views.CourseTrainerDeleteView
    copy_view_enabled = False  # a copy would be created around the service
    list_display = ["user", "course"]
    list_filter = ["course"]
    ordering = ["course__title", "user__last_name", "user__first_name"]

    def get_index_view_kwargs(self, **kwargs):
        # ModelViewSet never calls a get_queryset(request) (that is a SnippetViewSet hook): the listing gets
        # its related rows this way, in one query.
        return super().get_index_view_kwargs(queryset=CourseTrainer.objects.select_related("course", "user"), **kwargs)

    def get_form_class(self, for_update=False):
        return CourseTrainerForm


class AssignmentRuleViewSet(ModelViewSet):
    model = AssignmentRule
    icon = "calendar-check"
    menu_label = _("Mandatory assignments")
    menu_order = 30
    index_view_class = admin_views.AssignmentRuleIndexView
    add_view_class = admin_views.AssignmentRuleCreateView
    edit_view_class = admin_views.AssignmentRuleEditView
    copy_view_enabled = False
    list_display = ["title", "course", "library", "municipality", "due_date", "due_in_days", "is_active"]
    list_filter = ["course", "is_active"]
    search_fields = ["title"]
    search_backend_name = None
    ordering = ["-created_at"]

    def get_index_view_kwargs(self, **kwargs):
        # ModelViewSet never calls a get_queryset(request) (that is a SnippetViewSet hook): the listing gets
        # its related rows this way, in one query.
        return super().get_index_view_kwargs(queryset=AssignmentRule.objects.select_related("course", "library", "municipality"), **kwargs)

    def get_form_class(self, for_update=False):
        return AssignmentRuleForm


class LearningGroup(ViewSetGroup):
    menu_label = _("Learning")
    menu_icon = "tasks"
    menu_order = 250
    submenu_hook = LEARNING_MENU_HOOK
    items = (AssignmentRuleViewSet("assignment_rules"), CourseTrainerViewSet("course_trainers"))


@hooks.register("register_admin_viewset")
def register_learning():
    return LearningGroup()


@hooks.register("register_admin_urls")
def register_learning_urls():
    return [
        path("learning/requests/", admin_views.enrolment_requests, name="courses_enrolment_requests"),
        path("learning/requests/<int:pk>/decide/", admin_views.enrolment_decide, name="courses_enrolment_decide"),
        path("learning/group-enrolment/", admin_views.bulk_enrolment, name="courses_bulk_enrolment"),
        path("learning/external/", external_admin.external_review, name="courses_external_review"),
        path("learning/external/<int:pk>/decide/", external_admin.external_decide, name="courses_external_decide"),
        path("learning/complete-by-hand/", external_admin.complete_by_hand, name="courses_complete_by_hand"),
        path("reports/learners/", LearnersReportView.as_view(), name="courses_learners_report"),
        path("reports/learners/results/", LearnersReportView.as_view(results_only=True),
             name="courses_learners_report_results"),
    ]


@hooks.register(LEARNING_MENU_HOOK)
def enrolment_requests_menu_item():
    return CourseManagerMenuItem(_("Enrolment requests"), reverse("courses_enrolment_requests"),
                                 icon_name="circle-check", order=10)


@hooks.register(LEARNING_MENU_HOOK)
def bulk_enrolment_menu_item():
    return PermissionMenuItem(_("Group enrolment"), reverse("courses_bulk_enrolment"), icon_name="group", order=20,
                              permission="courses.add_enrolment")


@hooks.register(LEARNING_MENU_HOOK)
def external_review_menu_item():
    return PermissionMenuItem(_("External training"), reverse("courses_external_review"), icon_name="doc-full",
                              order=25, permission="courses.review_externaltraining")


@hooks.register(LEARNING_MENU_HOOK)
def complete_by_hand_menu_item():
    return PermissionMenuItem(_("Mark a course complete"), reverse("courses_complete_by_hand"), icon_name="check",
                              order=27, permission="courses.change_enrolment")


class HeadMenuItem(MenuItem):
    """Shown to library heads (not administrators): their staff's training elsewhere, on the front site."""

    def is_shown(self, request):
        user = request.user
        return user.has_perm("accounts.view_library_staff") and not user.has_perm("accounts.view_user")


@hooks.register("register_admin_menu_item")
def staff_external_menu_item():
    return HeadMenuItem(_("Training of my staff elsewhere"), reverse("courses:external_staff"), icon_name="doc-full",
                        order=205)


class LearnersReportMenuItem(MenuItem):
    """Shown to course managers and to library heads."""

    def is_shown(self, request):
        return selectors.user_sees_learners_report(request.user)


@hooks.register("register_reports_menu_item")
def learners_report_menu_item():
    return LearnersReportMenuItem(_("Learners of courses"), reverse("courses_learners_report"), icon_name="table",
                                 order=50)


# The quizzes' screens, reports and menu items (Wagtail looks for hooks in the apps' own wagtail_hooks modules only).
from .quizzes import wagtail_hooks as quiz_wagtail_hooks  # noqa: E402,F401
from .packages import wagtail_hooks as package_wagtail_hooks  # noqa: E402,F401
from .packages.h5p import wagtail_hooks as h5p_wagtail_hooks  # noqa: E402,F401


@hooks.register("insert_global_admin_css")
def chart_styles():
    """The reports' charts (lms/charts.py) sized and captioned in the admin."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin_charts.css"))
