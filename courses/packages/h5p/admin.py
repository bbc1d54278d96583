"""H5P content in the Wagtail admin: the upload form and the views of the viewset (wagtail_hooks.py). Storing and
deleting go through courses.packages.h5p.services."""

from __future__ import annotations

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

from ..admin import DEFAULT_MAX_UPLOAD_BYTES
from . import services
from .models import H5PContent


class H5PContentUploadForm(WagtailAdminModelForm):
    file = forms.FileField(
        label=gettext_lazy("H5P file (.h5p)"),
        help_text=gettext_lazy("Download the content from the H5P editor (h5p.org, Lumi, Moodle, WordPress) as a "
                               ".h5p file with its libraries."),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p,application/zip"}))

    class Meta:
        model = H5PContent
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to take the title from the file.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = getattr(settings, "SCORM_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)
        if upload.size > limit:
            raise forms.ValidationError(_("The file is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)})
        return upload


class H5PContentIndexView(IndexView):
    add_item_label = gettext_lazy("Upload an H5P file")

    def get_base_queryset(self):
        return H5PContent.objects.select_related("uploaded_by")  # one query whatever the number of rows


class H5PContentCreateView(CreateView):
    page_title = gettext_lazy("Upload an H5P file")
    page_subtitle = gettext_lazy("Upload an H5P file")
    submit_button_label = gettext_lazy("Check and upload")

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        items[-1]["label"] = self.page_title
        return items

    def save_instance(self):
        data = self.form.cleaned_data
        content = services.h5p_content_store(upload=data["file"], actor=self.request.user,
                                             title=data.get("title") or "")
        log(instance=content, action="wagtail.create", user=self.request.user)
        return content

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.H5PContentError as refusal:
            for message in refusal.errors:
                form.add_error("file", message)
            self.produced_error_message = _("The H5P file is refused.")
            return self.form_invalid(form)


class H5PContentDeleteView(DeleteView):
    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
            services.h5p_content_delete(content=self.object)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.H5PContentError as refusal:
            messages.error(self.request, str(refusal))
            return redirect(self.index_url_name)
