"""H5P content in the Wagtail admin: the upload form and the views of the viewset (wagtail_hooks.py), on the
packages' own (courses/packages/admin.py). Storing and deleting go through courses.packages.h5p.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from ..admin import PackageCreateView, PackageDeleteView, PackageIndexView, PackageUploadForm
from . import services
from .models import H5PContent


class H5PContentUploadForm(PackageUploadForm):
    upload_field = "file"
    title_help = gettext_lazy("Leave empty to take the title from the file.")
    file = forms.FileField(
        label=gettext_lazy("H5P file (.h5p)"),
        help_text=gettext_lazy("Download the content from the H5P editor (h5p.org, Lumi, Moodle, WordPress) as a "
                               ".h5p file with its libraries."),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p,application/zip"}))

    class Meta:
        model = H5PContent
        fields = ["title"]


class H5PContentIndexView(PackageIndexView):
    add_item_label = gettext_lazy("Upload an H5P file")


class H5PContentCreateView(PackageCreateView):
    page_title = gettext_lazy("Upload an H5P file")
    page_subtitle = gettext_lazy("Upload an H5P file")
    store = staticmethod(services.h5p_content_store)
    refusal = services.H5PContentError
    refused_message = gettext_lazy("The H5P file is refused.")


class H5PContentDeleteView(PackageDeleteView):
    delete_stored = staticmethod(lambda content: services.h5p_content_delete(content=content))
    refusal = services.H5PContentError
