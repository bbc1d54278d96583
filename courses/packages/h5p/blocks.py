"""The lesson body's H5P block (added to ``courses.blocks.LessonBodyBlock``): an uploaded H5P content played by
h5p-standalone, required to study the lesson unless the trainer says otherwise."""

from __future__ import annotations

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class H5PContentChooserBlock(blocks.ChooserBlock):
    """A drop-down of the uploaded H5P content (a lesson chooses among a few dozen at most)."""

    target_model = "courses.H5PContent"  # a string: this module is imported before the models exist

    @cached_property
    def widget(self):
        return forms.Select()

    def get_form_state(self, value):
        # ChooserBlock asks a chooser widget for its state; a plain select takes the id as any field does.
        return blocks.FieldBlock.get_form_state(self, value)

    class Meta:
        icon = "form"


class H5PBlock(blocks.StructBlock):
    content = H5PContentChooserBlock(label=_("H5P material"),
                                     help_text=_("Upload .h5p files in «Обучение → H5P-материалы»."))
    title = blocks.CharBlock(required=False, label=_("Title"),
                             help_text=_("Leave empty to show the content's own title."))
    required = blocks.BooleanBlock(required=False, default=True, label=_("Required to study the lesson"),
                                   help_text=_("The lesson counts as studied only when every required task is "
                                               "done."))

    class Meta:
        icon = "form"
        label = _("H5P task")
        template = "courses/h5p/block.html"
