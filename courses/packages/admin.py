"""Uploaded packages in the Wagtail admin (SCORM packages here, H5P content in h5p/admin.py): the upload form and
the views of their viewsets. A package is checked and stored by its service, deleted by its service, and a refusal
of either comes back to the form or as a message in the service's words."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.models import CreateView, DeleteView, IndexView
from wagtail.log_actions import log

from . import services
from .models import ScormPackage

DEFAULT_MAX_UPLOAD_BYTES = 500 * 1024 * 1024


class PackageUploadForm(WagtailAdminModelForm):
    """The title (optional: the package's own is taken) and the file, named by `upload_field`."""

    upload_field = ""
    title_help = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = self.title_help

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get(self.upload_field)
        limit = getattr(settings, "SCORM_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)
        if upload is not None and upload.size > limit:
            self.add_error(self.upload_field,
                           _("The file is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)})
        return cleaned


class PackageIndexView(IndexView):
    def get_base_queryset(self):
        return self.model.objects.select_related("uploaded_by")  # one query whatever the number of rows


class PackageCreateView(CreateView):
    """Stores through `store(upload=, actor=, title=)`; `refusal` (with its `errors`) goes back to the form."""

    submit_button_label = gettext_lazy("Check and upload")
    store: Callable
    refusal: type[Exception]
    refused_message = ""

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        items[-1]["label"] = self.page_title
        return items

    def save_instance(self):
        field = self.form.upload_field
        stored = type(self).store(upload=self.form.cleaned_data[field], actor=self.request.user,
                                  title=self.form.cleaned_data.get("title") or "")
        log(instance=stored, action="wagtail.create", user=self.request.user)
        return stored

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except self.refusal as refusal:
            for message in refusal.errors:
                form.add_error(form.upload_field, message)
            self.produced_error_message = str(self.refused_message)
            return self.form_invalid(form)


class PackageDeleteView(DeleteView):
    """Deletes through `delete_stored(instance)`; a `refusal` (the package is still used) is shown on the listing."""

    delete_stored: Callable
    refusal: type[Exception]

    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
            type(self).delete_stored(self.object)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except self.refusal as refusal:
            messages.error(self.request, str(refusal))
            return redirect(self.index_url_name)


class ScormPackageUploadForm(PackageUploadForm):
    upload_field = "package"
    title_help = gettext_lazy("Leave empty to take the title from the package.")
    package = forms.FileField(
        label=gettext_lazy("Package (zip)"),
        help_text=gettext_lazy("A SCORM 1.2 or SCORM 2004 export of iSpring, Articulate, Adapt or another authoring "
                               "tool: the zip with imsmanifest.xml at its root."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}))

    class Meta:
        model = ScormPackage
        fields = ["title"]


class ScormPackageIndexView(PackageIndexView):
    add_item_label = gettext_lazy("Upload a SCORM package")


class ScormPackageCreateView(PackageCreateView):
    page_title = gettext_lazy("Upload a SCORM package")
    page_subtitle = gettext_lazy("Upload a SCORM package")
    store = staticmethod(services.scorm_package_store)
    refusal = services.ScormPackageError
    refused_message = gettext_lazy("The package is refused.")


class ScormPackageDeleteView(PackageDeleteView):
    delete_stored = staticmethod(lambda package: services.scorm_package_delete(package=package))
    refusal = services.ScormPackageError
