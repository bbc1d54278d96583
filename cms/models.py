from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from lms.content_cache import CachedViewRestrictionsMixin
from wagtail.search import index

from .blocks import BodyBlock


class HomePage(CachedViewRestrictionsMixin, Page):
    """The site's root page: what the platform is, and where each kind of user goes next."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.StandardPage", "courses.ProgrammePage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from .home import home_context

        context = super().get_context(request, *args, **kwargs)
        context.update(home_context(self))
        return context


class StandardPage(CachedViewRestrictionsMixin, Page):
    """A plain page of text: about the programme, contacts, rules, help."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    organisation = models.CharField(
        _("organisation"), max_length=255,
        default="ГАУК «Кемеровская областная научная библиотека им. В.Д. Федорова»",
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    panels = [MultiFieldPanel([FieldPanel("organisation"), FieldPanel("contact_email"),
                               FieldPanel("contact_phone"), FieldPanel("address")], heading=_("Footer"))]

    class Meta:
        verbose_name = _("site settings")


def cached_page_params(page) -> frozenset[str] | None:
    """The query parameters with which this page may be stored for anonymous visitors, or None when it must not.

    Public pages whose content is the same for every visitor who is not logged in: home, plain pages, the
    catalogue (with its fixed filters; free-text search is served live) and course descriptions. Lessons and
    quizzes are for enrolled learners and are never stored.
    """
    from courses.models import CoursePage, ProgrammePage

    specific = type(page)
    if specific in (HomePage, StandardPage, CoursePage):
        return frozenset()
    if specific is ProgrammePage:
        return frozenset({"format", "audience", "open"})
    return None
