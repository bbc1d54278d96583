"""The lesson table editor (Wagtail's TableBlock, a Handsontable grid) with its right-click menu in Russian.

Handsontable 6 ships only English menu labels and Wagtail does not load its other languages, so the menu's items
are named here, in the language of the request: the names are put into the editor's options when the form is
rendered (the adapter's js_args), not when the block is declared, and no block definition (nor migration) changes.
A table whose block sets a menu of its own keeps it.
"""

from django.utils.translation import gettext
from wagtail.admin.telepath import register
from wagtail.contrib.table_block.blocks import DEFAULT_TABLE_OPTIONS, TableInput, TableInputAdapter

SEPARATOR = {"name": "---------"}


def table_context_menu() -> dict:
    """Wagtail's default menu (rows, columns, removal, undo), each item named in the active language."""
    return {"items": {
        "row_above": {"name": gettext("Insert a row above")},
        "row_below": {"name": gettext("Insert a row below")},
        "separator_rows": SEPARATOR,
        "col_left": {"name": gettext("Insert a column on the left")},
        "col_right": {"name": gettext("Insert a column on the right")},
        "separator_columns": SEPARATOR,
        "remove_row": {"name": gettext("Delete the row")},
        "remove_col": {"name": gettext("Delete the column")},
        "separator_history": SEPARATOR,
        "undo": {"name": gettext("Undo")},
        "redo": {"name": gettext("Redo")},
    }}


class NamedMenuTableInputAdapter(TableInputAdapter):
    def js_args(self, widget):
        options, strings = super().js_args(widget)
        if options.get("contextMenu") == DEFAULT_TABLE_OPTIONS["contextMenu"]:
            options = {**options, "contextMenu": table_context_menu()}
        return [options, strings]


register(NamedMenuTableInputAdapter(), TableInput)
