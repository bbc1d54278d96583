"""The quizzes in the Wagtail admin: question bank, question import, essay grading, per-person overrides, and the
quiz results and item analysis reports (loaded by courses/wagtail_hooks.py)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from courses.admin_menu import LEARNING_MENU_HOOK, CourseManagerMenuItem
from courses.models import QuizOverride

from .admin import question_views
from .admin import views as quiz_admin_views
from .admin.reports import QuizResultsReportView, item_analysis


class QuizOverrideViewSet(ModelViewSet):
    model = QuizOverride
    icon = "time"
    menu_label = _("Quiz overrides")
    menu_order = 70
    menu_hook = LEARNING_MENU_HOOK  # listed in the «Learning» menu (shown to those with a permission on overrides)
    copy_view_enabled = False
    form_fields = ["quiz", "user", "extra_minutes", "extra_attempts"]
    list_display = ["user", "quiz", "extra_minutes", "extra_attempts"]
    list_filter = ["quiz"]
    ordering = ["quiz__title", "user__last_name", "user__first_name"]

    def get_index_view_kwargs(self, **kwargs):
        # ModelViewSet never calls a get_queryset(request) (that is a SnippetViewSet hook): the listing gets
        # its related rows this way, in one query.
        return super().get_index_view_kwargs(queryset=QuizOverride.objects.select_related("quiz", "user"), **kwargs)


@hooks.register("register_admin_viewset")
def register_quiz_overrides():
    return QuizOverrideViewSet("quiz_overrides")


@hooks.register("register_admin_urls")
def register_quiz_urls():
    return [
        path("learning/question-bank/", quiz_admin_views.question_bank_index, name="courses_quiz_question_bank"),
        path("learning/question-bank/questions/<int:pk>/", question_views.question_edit,
             name="courses_quiz_question_edit"),
        path("learning/question-bank/questions/<int:pk>/preview/", question_views.question_preview,
             name="courses_quiz_question_preview"),
        path("learning/question-bank/questions/<int:pk>/regrade/", question_views.question_regrade,
             name="courses_quiz_question_regrade"),
        path("learning/question-bank/<int:course_id>/export/<str:fmt>/", quiz_admin_views.question_bank_export,
             name="courses_quiz_question_bank_export"),
        path("learning/question-import/", quiz_admin_views.question_import, name="courses_quiz_question_import"),
        path("learning/essays/", quiz_admin_views.essay_queue, name="courses_quiz_essay_queue"),
        path("learning/essays/<int:pk>/", quiz_admin_views.essay_grade, name="courses_quiz_essay_grade"),
        path("reports/quiz-results/", QuizResultsReportView.as_view(), name="courses_quiz_results_report"),
        path("reports/quiz-results/results/", QuizResultsReportView.as_view(results_only=True),
             name="courses_quiz_results_report_results"),
        path("reports/item-analysis/", item_analysis, name="courses_quiz_item_analysis"),
    ]


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


@hooks.register("register_reports_menu_item")
def quiz_results_menu_item():
    return CourseManagerMenuItem(_("Quiz results"), reverse("courses_quiz_results_report"), icon_name="list-ul",
                                 order=60)


@hooks.register("register_reports_menu_item")
def item_analysis_menu_item():
    return CourseManagerMenuItem(_("Item analysis"), reverse("courses_quiz_item_analysis"), icon_name="view",
                                 order=61)
