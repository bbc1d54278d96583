from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic.models import DeleteView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .models import Library, Municipality


def _yes_no(value: bool) -> str:
    return gettext("yes") if value else gettext("no")


class LibraryIndexView(IndexView):
    # Russian needs the accusative here («Добавить библиотеку»), which the generic label cannot give.
    add_item_label = _("Add a library")
    # The export says «да»/«нет» and the kind in words (Wagtail writes Python's True/False and the stored code).
    export_headings = {"get_kind_display": _("Kind")}
    custom_value_preprocess = {**IndexView.custom_value_preprocess,
                               bool: {IndexView.FORMAT_CSV: _yes_no, IndexView.FORMAT_XLSX: _yes_no}}


class MunicipalityIndexView(IndexView):
    add_item_label = _("Add a municipality")


class KeptByReferencesDeleteView(DeleteView):
    """A library with staff, or a municipality with libraries, cannot be deleted (the database protects them; Wagtail's
    reference index does not know of people): say so instead of failing."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, _("«%(object)s» cannot be deleted: other records refer to it (staff, "
                                           "libraries, internship requirements).")
                           % {"object": self.object})
            return HttpResponseRedirect(self.get_success_url())


class LibraryViewSet(ModelViewSet):
    model = Library
    delete_view_class = KeptByReferencesDeleteView
    index_view_class = LibraryIndexView
    icon = "home"
    menu_label = _("Libraries")
    list_display = [
        "short_name", "municipality", "kind", "parent",
        BooleanColumn("evbk_participant", label="Э(В)БК"),
        BooleanColumn("is_active", label=_("active")),
    ]
    list_filter = ["municipality", "kind", "evbk_participant", "is_active"]
    list_export = ["code", "name", "short_name", "municipality", "get_kind_display", "parent", "evbk_participant",
                   "address"]
    search_fields = ["name", "short_name", "code"]
    search_backend_name = None
    form_fields = ["name", "short_name", "code", "municipality", "kind", "parent", "evbk_participant", "address",
                   "is_active"]
    ordering = ["short_name"]

    def get_index_view_kwargs(self, **kwargs):
        # ModelViewSet never calls a get_queryset(request) (that is a SnippetViewSet hook): the listing gets
        # its related rows this way, in one query.
        return super().get_index_view_kwargs(queryset=Library.objects.select_related("municipality", "parent"), **kwargs)


class MunicipalityViewSet(ModelViewSet):
    model = Municipality
    delete_view_class = KeptByReferencesDeleteView
    index_view_class = MunicipalityIndexView
    icon = "site"
    menu_label = _("Municipalities")
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    search_backend_name = None
    form_fields = ["name", "kind"]


class DirectoryGroup(ModelViewSetGroup):
    menu_label = _("Library directory")
    menu_icon = "list-ul"
    menu_order = 300
    items = (LibraryViewSet("libraries"), MunicipalityViewSet("municipalities"))


@hooks.register("register_admin_viewset")
def register_directory():
    return DirectoryGroup()
