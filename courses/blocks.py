"""Content blocks shared by lessons and the site's pages (cms builds on these; courses cannot import cms)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from . import table_editor  # noqa: F401 - the table editor's menu in Russian
from .packages.h5p.blocks import H5PBlock

SIMPLE_RICH_TEXT = ["bold", "italic", "link", "ul", "ol"]


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("info", _("Information")), ("warning", _("Important")), ("tip", _("Tip"))], default="info",
        label=_("Kind"),
    )
    text = blocks.RichTextBlock(features=SIMPLE_RICH_TEXT, label=_("Text"))

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


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "blocks/figure.html"


class VideoBlock(blocks.StructBlock):
    """A video from a hosting service (embed) or an uploaded file; the caption doubles as a text alternative."""

    embed = EmbedBlock(required=False, label=_("Video address (embed)"))
    file = DocumentChooserBlock(required=False, label=_("Uploaded video file"))
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video.html"

    def clean(self, value):
        from django.core.exceptions import ValidationError

        value = super().clean(value)
        if not value.get("embed") and not value.get("file"):
            raise blocks.StructBlockValidationError(
                block_errors={"embed": ValidationError(_("Give a video address or upload a file."))}
            )
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(required=False, label=_("Link text"))

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "blocks/document.html"


class AccordionItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    body = blocks.RichTextBlock(features=SIMPLE_RICH_TEXT, label=_("Text"))


class AccordionBlock(blocks.StructBlock):
    items = blocks.ListBlock(AccordionItemBlock(), label=_("Items"))

    class Meta:
        icon = "list-ul"
        label = _("Accordion")
        template = "blocks/accordion.html"


class BaseBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", label=_("Heading"),
                               template="blocks/heading.html")
    paragraph = blocks.RichTextBlock(label=_("Text"))
    figure = FigureBlock()
    callout = CalloutBlock()
    quote = QuoteBlock()


class LessonBodyBlock(BaseBodyBlock):
    video = VideoBlock()
    document = DocumentBlock()
    table = TableBlock(label=_("Table"), template="blocks/table.html")
    accordion = AccordionBlock()
    h5p = H5PBlock()  # courses/packages/h5p/: the player, its statements and the lesson's completion
