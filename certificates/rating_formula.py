"""The library rating's components, their names and the formula as people read it (no models here: the settings
model in certificates/models.py and the rule in certificates/rating.py both read it)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import HelpPanel

COMPLIANCE, HOURS, INTERNSHIP, DOCUMENTS, CHANGE = "compliance", "hours", "internship", "documents", "change"
RATING_COMPONENT_KEYS = (COMPLIANCE, HOURS, INTERNSHIP, DOCUMENTS, CHANGE)
DEFAULT_WEIGHTS = {COMPLIANCE: 30, HOURS: 25, INTERNSHIP: 20, DOCUMENTS: 15, CHANGE: 10}
COMPONENT_LABELS = {
    COMPLIANCE: _("Compliant with every requirement"),
    HOURS: _("Academic hours this year"),
    INTERNSHIP: _("Internship done"),
    DOCUMENTS: _("Documents this year"),
    CHANGE: _("Change against last year"),
}
# Column headings of the tables (the formula names each in full).
COMPONENT_SHORT_LABELS = {
    COMPLIANCE: _("Requirements met"),
    HOURS: _("Hours"),
    INTERNSHIP: _("Internship"),
    DOCUMENTS: _("Documents"),
    CHANGE: _("Change"),
}
COMPONENT_RULES = {
    COMPLIANCE: _("the share of the library's staff under a requirement who meet every one of them (not counted when "
                  "no requirement applies to its staff)"),
    HOURS: _("for each staff member, this year's academic hours divided by the programme's yearly share (the "
             "expected hours divided by the years of its period), at most 1; the mean over the staff"),
    INTERNSHIP: _("the share of the staff of Э(В)БК participants with a completed internship that is still valid "
                  "(not counted for libraries outside Э(В)БК)"),
    DOCUMENTS: _("valid documents issued this year per staff member, divided by the best library's figure (the best "
                 "library gets 1; not counted when no library has any)"),
    CHANGE: _("this year's academic hours against last year's by the same date: 0.5 + (this − last) ÷ (2 × the larger "
              "of the two); 0.5 is no change, 1 is growth from nothing, 0 is a fall to nothing"),
}


def formula_rows(weights: dict[str, int]) -> list[dict]:
    return [{"key": key, "label": COMPONENT_LABELS[key], "short": COMPONENT_SHORT_LABELS[key],
             "rule": COMPONENT_RULES[key], "weight": weights[key]} for key in RATING_COMPONENT_KEYS]


def formula_html(weights: dict[str, int]) -> str:
    return render_to_string("certificates/includes/rating_formula.html", {"formula": formula_rows(weights)})


class RatingFormulaPanel(HelpPanel):
    """The formula with the weights as saved, beside the weights' fields."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            instance = self.instance
            weights = {key: getattr(instance, f"weight_{key}", DEFAULT_WEIGHTS[key]) for key in RATING_COMPONENT_KEYS}
            self.content = formula_html(weights)
