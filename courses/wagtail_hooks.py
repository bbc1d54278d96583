from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from lms.accounts.wagtail_hooks import PermissionMenuItem

from . import admin_views, quiz_admin_views, selectors
from .admin_forms import AssignmentRuleForm, CourseTrainerForm
from .authoring import document_is_public
from .models import AssignmentRule, CourseTrainer, QuizOverride
from .quiz_reports import QuizResultsReportView, item_analysis
from .reports import LearnersReportView


@hooks.register("before_serve_document")
def hide_documents_of_unpublished_courses(document, request):
    """Documents and videos of courses still in preparation are for editors only."""
    if request.user.is_authenticated and request.user.has_perm("wagtailadmin.access_admin"):
        return None
    if not document_is_public(document):
        raise Http404
    return None


# --- The «Learning» menu -----------------------------------------------------------------------------------------

LEARNING_MENU_HOOK = "register_learning_menu_item"


class CourseManagerMenuItem(MenuItem):
    """Shown to administrators and to trainers of at least one course."""

    def is_shown(self, request):
        # The menu is drawn on every admin page, and both items ask: one query per request at most.
        if not hasattr(request, "_manages_any_course"):
            request._manages_any_course = selectors.user_manages_any_course(request.user)
        return request._manages_any_course


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

    def get_queryset(self, request):
        return CourseTrainer.objects.select_related("course", "user")

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

    def get_queryset(self, request):
        return AssignmentRule.objects.select_related("course", "library", "municipality")

    def get_form_class(self, for_update=False):
        return AssignmentRuleForm


class QuizOverrideViewSet(ModelViewSet):
    model = QuizOverride
    icon = "time"
    menu_label = _("Quiz overrides")
    menu_order = 70
    copy_view_enabled = False
    form_fields = ["quiz", "user", "extra_minutes", "extra_attempts"]
    list_display = ["user", "quiz", "extra_minutes", "extra_attempts"]
    list_filter = ["quiz"]
    ordering = ["quiz__title", "user__last_name", "user__first_name"]

    def get_queryset(self, request):
        return QuizOverride.objects.select_related("quiz", "user")


class LearningGroup(ViewSetGroup):
    menu_label = _("Learning")
    menu_icon = "tasks"
    menu_order = 250
    submenu_hook = LEARNING_MENU_HOOK
    items = (AssignmentRuleViewSet("assignment_rules"), CourseTrainerViewSet("course_trainers"),
             QuizOverrideViewSet("quiz_overrides"))


@hooks.register("register_admin_viewset")
def register_learning():
    return LearningGroup()


@hooks.register("register_admin_urls")
def register_learning_urls():
    return [
        path("learning/requests/", admin_views.enrolment_requests, name="courses_enrolment_requests"),
        path("learning/requests/<int:pk>/decide/", admin_views.enrolment_decide, name="courses_enrolment_decide"),
        path("learning/group-enrolment/", admin_views.bulk_enrolment, name="courses_bulk_enrolment"),
        path("learning/question-bank/", quiz_admin_views.question_bank_index, name="courses_quiz_question_bank"),
        path("learning/question-bank/questions/<int:pk>/", quiz_admin_views.question_edit,
             name="courses_quiz_question_edit"),
        path("learning/question-bank/<int:course_id>/export/<str:fmt>/", quiz_admin_views.question_bank_export,
             name="courses_quiz_question_bank_export"),
        path("learning/question-import/", quiz_admin_views.question_import, name="courses_quiz_question_import"),
        path("learning/essays/", quiz_admin_views.essay_queue, name="courses_quiz_essay_queue"),
        path("learning/essays/<int:pk>/", quiz_admin_views.essay_grade, name="courses_quiz_essay_grade"),
        path("reports/learners/", LearnersReportView.as_view(), name="courses_learners_report"),
        path("reports/learners/results/", LearnersReportView.as_view(results_only=True),
             name="courses_learners_report_results"),
        path("reports/quiz-results/", QuizResultsReportView.as_view(), name="courses_quiz_results_report"),
        path("reports/quiz-results/results/", QuizResultsReportView.as_view(results_only=True),
             name="courses_quiz_results_report_results"),
        path("reports/item-analysis/", item_analysis, name="courses_quiz_item_analysis"),
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
def question_bank_menu_item():
    return CourseManagerMenuItem(_("Question bank"), reverse("courses_quiz_question_bank"), icon_name="help",
                                 order=50)


@hooks.register(LEARNING_MENU_HOOK)
def question_import_menu_item():
    return CourseManagerMenuItem(_("Import questions"), reverse("courses_quiz_question_import"),
                                 icon_name="upload", order=55)


@hooks.register(LEARNING_MENU_HOOK)
def essay_queue_menu_item():
    return CourseManagerMenuItem(_("Essays to grade"), reverse("courses_quiz_essay_queue"), icon_name="edit",
                                 order=60)


class LearnersReportMenuItem(MenuItem):
    """Shown to course managers and to library heads."""

    def is_shown(self, request):
        return selectors.user_sees_learners_report(request.user)


@hooks.register("register_reports_menu_item")
def learners_report_menu_item():
    return LearnersReportMenuItem(_("Learners of courses"), reverse("courses_learners_report"), icon_name="table",
                                 order=50)


@hooks.register("register_reports_menu_item")
def quiz_results_menu_item():
    return CourseManagerMenuItem(_("Quiz results"), reverse("courses_quiz_results_report"), icon_name="list-ul",
                                 order=60)


@hooks.register("register_reports_menu_item")
def item_analysis_menu_item():
    return CourseManagerMenuItem(_("Item analysis"), reverse("courses_quiz_item_analysis"), icon_name="view",
                                 order=61)
