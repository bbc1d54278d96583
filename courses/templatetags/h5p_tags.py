"""The H5P player's own words (its dialogs and notices), in the interface's language."""

import json

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def h5p_translations() -> str:
    """JSON for h5p-standalone's ``translations`` option (merged into H5PIntegration.l10n) (autoescaped into a data attribute). The content's own
    words come from its author; these are the player's, which it would otherwise say in English."""
    return json.dumps({"H5P": {
        "close": _("Close"), "title": _("Title"), "author": _("Author"), "year": _("Year"), "source": _("Source"),
        "license": _("License"), "showMore": _("Show more"), "showLess": _("Show less"),
        "contentChanged": _("This content has changed since you last used it."),
        "startingOver": _("You'll be starting over."),
        "confirmDialogHeader": _("Confirm action"),
        "confirmDialogBody": _("Please confirm that you wish to proceed. This action is not reversible."),
        "cancelLabel": _("Cancel"), "confirmLabel": _("Confirm"),
        "connectionLost": _("Connection lost. Results will be stored and sent when you regain connection."),
        "connectionReestablished": _("Connection reestablished."),
        "fullscreen": _("Fullscreen"), "disableFullscreen": _("Disable fullscreen"),
        "copyrights": _("Rights of use"), "noCopyrights": _("No copyright information available for this content."),
    }}, ensure_ascii=False)
