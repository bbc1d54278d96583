"""SCORM packages in the Wagtail admin, in the «Обучение» menu, and the reports on SCORM lessons: in the «Отчёты»
menu and as a button of a SCORM lesson in the page tree and on its edit screen (loaded by courses/wagtail_hooks.py).
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from courses import selectors
from courses.admin_menu import LEARNING_MENU_HOOK, CourseManagerMenuItem

from .admin import ScormPackageCreateView, ScormPackageDeleteView, ScormPackageIndexView, ScormPackageUploadForm
from .admin_views import ScormLessonReportView, scorm_learner_report, scorm_lessons
from .models import ScormLessonPage, ScormPackage


class ScormPackageViewSet(ModelViewSet):
    model = ScormPackage
    icon = "folder-open-inverse"
    menu_label = _("SCORM packages")
    menu_order = 65
    menu_hook = LEARNING_MENU_HOOK
    index_view_class = ScormPackageIndexView
    add_view_class = ScormPackageCreateView
    delete_view_class = ScormPackageDeleteView
    copy_view_enabled = False
    form_fields = ["title"]
    list_display = [
        "title",
        Column("version", label=_("SCORM version"), accessor="get_version_display"),
        Column("sco_count", label=_("SCOs")),
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["version"]
    ordering = ["-uploaded_at", "-pk"]

    def get_form_class(self, for_update=False):
        return super().get_form_class(for_update=True) if for_update else ScormPackageUploadForm


@hooks.register("register_admin_viewset")
def register_scorm_packages():
    return ScormPackageViewSet("scorm_packages")


@hooks.register("register_admin_urls")
def register_scorm_report_urls():
    return [
        path("reports/scorm-lessons/", scorm_lessons, name="courses_scorm_lessons"),
        path("reports/scorm-lessons/<int:lesson_id>/", ScormLessonReportView.as_view(),
             name="courses_scorm_lesson_report"),
        path("reports/scorm-lessons/<int:lesson_id>/results/", ScormLessonReportView.as_view(results_only=True),
             name="courses_scorm_lesson_report_results"),
        path("reports/scorm-lessons/<int:lesson_id>/learners/<int:user_id>/", scorm_learner_report,
             name="courses_scorm_learner_report"),
    ]


@hooks.register("register_reports_menu_item")
def scorm_lessons_menu_item():
    return CourseManagerMenuItem(_("SCORM lessons"), reverse("courses_scorm_lessons"),
                                 icon_name="folder-open-inverse", order=62)


def _report_button(page, user):
    """The report of a SCORM lesson, for those who may see it. Asked for every row of the page tree: the page's
    type comes from the content-type cache, page permissions are cached on the user by Wagtail, and whether the
    user manages a course is asked once per request; a trainer may edit only the pages of own courses."""
    if not issubclass(page.specific_class or type(page), ScormLessonPage):
        return None
    if not hasattr(user, "_manages_any_course"):
        user._manages_any_course = selectors.user_manages_any_course(user)
    if not user._manages_any_course or not page.permissions_for_user(user).can_edit():
        return None
    return Button(_("Learners' results"), reverse("courses_scorm_lesson_report", args=[page.pk]),
                  icon_name="table", priority=45)


@hooks.register("register_page_listing_more_buttons")
def scorm_report_listing_button(page, user, next_url=None):
    button = _report_button(page, user)
    if button:
        yield button


@hooks.register("register_page_header_buttons")
def scorm_report_header_button(page, user, view_name, next_url=None):
    button = _report_button(page, user)
    if button:
        yield button
