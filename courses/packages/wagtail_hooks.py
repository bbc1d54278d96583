"""SCORM packages in the Wagtail admin, in the «Обучение» menu (loaded by courses/wagtail_hooks.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from courses.admin_menu import LEARNING_MENU_HOOK

from .admin import ScormPackageCreateView, ScormPackageDeleteView, ScormPackageIndexView, ScormPackageUploadForm
from .models import ScormPackage


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
