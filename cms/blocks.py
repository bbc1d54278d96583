"""Content blocks shared by the site's pages (lessons will reuse them)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("info", _("Information")), ("warning", _("Important")), ("tip", _("Tip"))], default="info",
        label=_("Kind"),
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"], label=_("Text"))

    class Meta:
        icon = "help"
        label = _("Callout")
        template = "blocks/callout.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    source = blocks.CharBlock(required=False, label=_("Source"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", label=_("Heading"),
                               template="blocks/heading.html")
    paragraph = blocks.RichTextBlock(label=_("Text"))
    image = ImageBlock(label=_("Image"))
    callout = CalloutBlock()
    quote = QuoteBlock()
