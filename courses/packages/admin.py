"""SCORM packages in the Wagtail admin: the upload form and the views of the viewset (courses/packages/
wagtail_hooks.py). Storing and deleting go through courses.packages.services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.models import CreateView, DeleteView, IndexView
from wagtail.log_actions import log

from . import services
from .models import ScormPackage

DEFAULT_MAX_UPLOAD_BYTES = 500 * 1024 * 1024


class ScormPackageUploadForm(WagtailAdminModelForm):
    package = forms.FileField(
        label=gettext_lazy("Package (zip)"),
        help_text=gettext_lazy("A SCORM 1.2 or SCORM 2004 export of iSpring, Articulate, Adapt or another authoring "
                               "tool: the zip with imsmanifest.xml at its root."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}))

    class Meta:
        model = ScormPackage
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to take the title from the package.")

    def clean_package(self):
        upload = self.cleaned_data["package"]
        limit = getattr(settings, "SCORM_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)
        if upload.size > limit:
            raise forms.ValidationError(_("The file is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)})
        return upload


class ScormPackageIndexView(IndexView):
    add_item_label = gettext_lazy("Upload a SCORM package")

    def get_base_queryset(self):
        return ScormPackage.objects.select_related("uploaded_by")  # one query whatever the number of rows


class ScormPackageCreateView(CreateView):
    page_title = gettext_lazy("Upload a SCORM package")
    page_subtitle = gettext_lazy("Upload a SCORM package")
    submit_button_label = gettext_lazy("Check and upload")

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        items[-1]["label"] = self.page_title
        return items

    def save_instance(self):
        data = self.form.cleaned_data
        package = services.scorm_package_store(upload=data["package"], actor=self.request.user,
                                               title=data.get("title") or "")
        log(instance=package, action="wagtail.create", user=self.request.user)
        return package

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.ScormPackageError as refusal:
            for message in refusal.errors:
                form.add_error("package", message)
            self.produced_error_message = _("The package is refused.")
            return self.form_invalid(form)


class ScormPackageDeleteView(DeleteView):
    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
            services.scorm_package_delete(package=self.object)
