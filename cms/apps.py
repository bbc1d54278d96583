from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, PageViewRestriction, Site
        from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

        from courses.models import CourseTrainer
        from lms import content_cache

        from .models import SiteSettings

        # Whatever changes published content starts a new content generation: the page cache and the shared
        # fragments made before are no longer used (lms/content_cache.py).
        bump = content_cache.generation_bump
        for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
            signal.connect(bump, dispatch_uid=f"pagecache-{id(signal)}")

        def bump_for_models(sender, instance, created=False, **kwargs):
            if created and isinstance(instance, SiteSettings):
                return  # made with its defaults on first use: nothing shown changes
            if isinstance(instance, (Page, PageViewRestriction, Site, SiteSettings, CourseTrainer)):
                bump()

        post_delete.connect(bump_for_models, dispatch_uid="pagecache-delete", weak=False)
        for model in (PageViewRestriction, Site, SiteSettings, CourseTrainer):
            post_save.connect(bump_for_models, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}",
                              weak=False)
