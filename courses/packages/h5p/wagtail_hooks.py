"""H5P content in the Wagtail admin, in the «Обучение» menu (loaded by courses/wagtail_hooks.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from courses.admin_menu import LEARNING_MENU_HOOK

from .admin import H5PContentCreateView, H5PContentDeleteView, H5PContentIndexView, H5PContentUploadForm
from .models import H5PContent


class H5PContentViewSet(ModelViewSet):
    model = H5PContent
    icon = "form"
    menu_label = _("H5P content")
    menu_order = 66
    menu_hook = LEARNING_MENU_HOOK
    index_view_class = H5PContentIndexView
    add_view_class = H5PContentCreateView
    delete_view_class = H5PContentDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = ["title"]
    list_display = ["title", "main_library", "file_count", "uploaded_by", "uploaded_at"]
    ordering = ["-uploaded_at", "-pk"]

    def get_form_class(self, for_update=False):
        return super().get_form_class(for_update=True) if for_update else H5PContentUploadForm


@hooks.register("register_admin_viewset")
def register_h5p_content():
    return H5PContentViewSet("h5p_content")
