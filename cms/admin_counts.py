"""How the Wagtail admin counts things: «1 библиотека, 2 библиотеки, 5 библиотек».

Wagtail's listings print a count with the model's verbose_name_plural («16 библиотеки»), which has one plural form;
Russian needs three, chosen by the number, so each model the admin lists gets its own ngettext pair here (the
templates that print counts, templates/wagtailadmin/, ask `count_label`). A model missing from the table is counted
without a noun («Всего: 16»), never with a wrongly declined one.
"""

from django.db.models import Model
from django.utils.translation import gettext, ngettext_lazy
from wagtail.models import Page

COUNT_LABELS = {
    "accounts.user": ngettext_lazy("%(count)d user", "%(count)d users", "count"),
    "accounts.invitation": ngettext_lazy("%(count)d invitation", "%(count)d invitations", "count"),
    "accounts.staffimport": ngettext_lazy("%(count)d staff import", "%(count)d staff imports", "count"),
    "libraries.library": ngettext_lazy("%(count)d library", "%(count)d libraries", "count"),
    "libraries.municipality": ngettext_lazy("%(count)d municipality", "%(count)d municipalities", "count"),
    "internships.topic": ngettext_lazy("%(count)d internship topic", "%(count)d internship topics", "count"),
    "internships.session": ngettext_lazy("%(count)d internship session", "%(count)d internship sessions", "count"),
    "internships.booking": ngettext_lazy("%(count)d internship request", "%(count)d internship requests", "count"),
    "internships.requirement": ngettext_lazy("%(count)d internship requirement", "%(count)d internship requirements",
                                             "count"),
    "courses.enrolment": ngettext_lazy("%(count)d course enrolment", "%(count)d course enrolments", "count"),
    "courses.coursetrainer": ngettext_lazy("%(count)d trainer assignment", "%(count)d trainer assignments", "count"),
    "courses.assignmentrule": ngettext_lazy("%(count)d mandatory assignment", "%(count)d mandatory assignments",
                                            "count"),
    "courses.quizoverride": ngettext_lazy("%(count)d quiz override", "%(count)d quiz overrides", "count"),
    "courses.question": ngettext_lazy("%(count)d question", "%(count)d questions", "count"),
    "courses.questioncategory": ngettext_lazy("%(count)d question category", "%(count)d question categories",
                                              "count"),
    "courses.scormpackage": ngettext_lazy("%(count)d package", "%(count)d packages", "count"),
    "courses.attempt": ngettext_lazy("%(count)d attempt", "%(count)d attempts", "count"),
    "certificates.certificate": ngettext_lazy("%(count)d certificate", "%(count)d certificates", "count"),
    "certificates.certificatetemplate": ngettext_lazy("%(count)d certificate template",
                                                      "%(count)d certificate templates", "count"),
    "wagtailcore.page": ngettext_lazy("%(count)d page", "%(count)d pages", "count"),
    "wagtailcore.pagelogentry": ngettext_lazy("%(count)d log entry", "%(count)d log entries", "count"),
    "wagtailcore.modellogentry": ngettext_lazy("%(count)d log entry", "%(count)d log entries", "count"),
    "wagtailcore.workflow": ngettext_lazy("%(count)d workflow", "%(count)d workflows", "count"),
    "wagtailcore.task": ngettext_lazy("%(count)d workflow task", "%(count)d workflow tasks", "count"),
    "wagtailcore.site": ngettext_lazy("%(count)d site", "%(count)d sites", "count"),
    "wagtailcore.collection": ngettext_lazy("%(count)d collection", "%(count)d collections", "count"),
    "wagtaildocs.document": ngettext_lazy("%(count)d document", "%(count)d documents", "count"),
    "wagtailimages.image": ngettext_lazy("%(count)d image", "%(count)d images", "count"),
    "wagtailredirects.redirect": ngettext_lazy("%(count)d redirect", "%(count)d redirects", "count"),
    "auth.group": ngettext_lazy("%(count)d group", "%(count)d groups", "count"),
    "contenttypes.contenttype": ngettext_lazy("%(count)d page type", "%(count)d page types", "count"),
}


def count_label(model: type[Model] | None, count: int) -> str:
    """«5 библиотек» for a count of a model's rows; pages of every type count as pages."""
    if model is not None:
        label = COUNT_LABELS.get(model._meta.label_lower)
        if label is None and issubclass(model, Page):
            label = COUNT_LABELS["wagtailcore.page"]
        if label is not None:
            return label % {"count": count}
    return gettext("Total: %(count)d") % {"count": count}
