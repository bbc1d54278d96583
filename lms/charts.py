"""Small charts drawn on the server as SVG: no JavaScript, no chart library, a text equivalent with each.

Learner pages weigh at most 100 KB and work without scripts, and reports are read by screen-reader users too, so a
chart here is a few hundred bytes of SVG inside a ``<figure>``: the drawing is hidden from assistive technology and
the same figures follow it as a visually hidden table (or, for a progress bar, as the element's accessible name).
Colours are SVG presentation attributes, not styles, so the strict Content-Security-Policy (no inline styles)
holds, and every colour meets 3:1 against white. Numbers are formatted by the caller (plural forms are the caller's
``ngettext``); this module only draws.

    progress_bar(value=16, total=72, label="Часы за 2026 год", value_text="16 из 72 часов")
    bar_chart([("Кемерово", 12.0), ("Юрга", 4.0)], title="Отстающие по муниципалитетам",
              value_text=lambda v: f"{v:g} чел.")
    stacked_bar_chart([("Кемерово", (30, 4, 6))], series=SERIES_RAG, title="Соответствие требованиям",
                      value_text=lambda v: f"{v:g}")
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

BLUE = "#1f5fa8"
GREEN = "#2e7d32"
AMBER = "#b26a00"
RED = "#c62828"
TRACK = "#e3e6ea"
INK = "#1b1f24"

# A series is (its name as people read it, its colour). The three of a compliance picture:
SERIES_RAG_KEYS = ("compliant", "expiring", "overdue")

_ids = itertools.count(1)
_LABEL_CHARS = 30  # SVG text does not wrap: longer labels are cut with «…», the full label stays in the table
_CHAR_WIDTH = 7.8  # an upper bound of a character's advance at font-size 13 (Cyrillic in common sans fonts)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _cut(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1].rstrip() + "…"


def progress_bar(*, value: float, total: float, label: str, value_text: str, colour: str = BLUE) -> SafeString:
    """A horizontal bar filled to ``value / total`` (capped at full), named ``label: value_text`` for screen readers.

    The caller shows ``value_text`` as visible text too; the bar only repeats it as a picture.
    """
    share = 0.0 if total <= 0 else max(0.0, min(1.0, value / total))
    width = round(share * 100, 2)
    name = f"{label}: {value_text}"
    return format_html(
        '<svg class="chart-progress" role="img" aria-label="{}" viewBox="0 0 100 6" preserveAspectRatio="none"'
        ' width="100%" height="12" xmlns="http://www.w3.org/2000/svg"><title>{}</title>'
        '<rect x="0" y="0" width="100" height="6" rx="3" fill="{}"/>'
        '<rect x="0" y="0" width="{}" height="6" rx="3" fill="{}"/></svg>',
        name, name, TRACK, width, colour,
    )


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    value_text: Callable[[float], str] = _fmt,
    max_value: float | None = None,
    colour: str = BLUE,
    column_titles: tuple[str, str] | None = None,
    hidden_class: str = "visually-hidden",
) -> SafeString:
    """Horizontal bars, one per ``(label, value)`` row, with the value written after each bar.

    Returns a ``<figure>`` whose caption is ``title``, the SVG (hidden from screen readers) and a visually hidden
    table of the same rows (``column_titles`` name its two columns; by default both are the title).
    ``hidden_class`` hides that table visually: ``visually-hidden`` on the site, ``w-sr-only`` in Wagtail's admin.
    """
    return stacked_bar_chart(
        [(label, (value,)) for label, value in rows],
        series=[(title, colour)],
        title=title,
        value_text=value_text,
        max_value=max_value,
        column_titles=column_titles,
        legend=False,
        hidden_class=hidden_class,
    )


def stacked_bar_chart(
    rows: Sequence[tuple[str, Sequence[float]]],
    *,
    series: Sequence[tuple[str, str]],
    title: str,
    value_text: Callable[[float], str] = _fmt,
    max_value: float | None = None,
    column_titles: tuple[str, str] | None = None,
    legend: bool = True,
    hidden_class: str = "visually-hidden",
) -> SafeString:
    """Horizontal bars made of segments, one segment per series (``(name, colour)``), with a legend.

    ``rows`` are ``(label, values)`` with one value per series. The bar's total is written after it.
    """
    chart_id = f"chart-{next(_ids)}"
    row_height, gap, label_width, bar_width = 22, 8, 210, 330
    totals = [value_text(sum(values)) for _, values in rows]
    # The written totals («31 зачисление») need their room after the bars: SVG text is clipped at the viewBox.
    total_width = label_width + bar_width + 8 + max(60, round(max((len(t) for t in totals), default=0) * _CHAR_WIDTH))
    biggest = max_value if max_value else max((sum(values) for _, values in rows), default=0) or 1
    height = max(1, len(rows)) * (row_height + gap)
    shapes = []
    for index, (label, values) in enumerate(rows):
        y = index * (row_height + gap)
        shapes.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="{}">{}</text>',
                label_width - 8, y + 15, INK, _cut(label),
            )
        )
        x = float(label_width)
        shapes.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                                  label_width, y + 3, bar_width, row_height - 6, TRACK))
        for value, (_, colour) in zip(values, series, strict=True):
            width = bar_width * max(0.0, value) / biggest
            if width > 0:
                shapes.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                                          round(x, 2), y + 3, round(width, 2), row_height - 6, colour))
            x += width
        shapes.append(format_html('<text x="{}" y="{}" font-size="13" fill="{}">{}</text>',
                                  label_width + bar_width + 8, y + 15, INK, totals[index]))
    svg = format_html(
        '<svg class="chart-bars" viewBox="0 0 {} {}" width="100%" aria-hidden="true" focusable="false"'
        ' xmlns="http://www.w3.org/2000/svg">{}</svg>',
        total_width, height, mark_safe("".join(shapes)),
    )
    legend_html = ""
    if legend and len(series) > 1:
        legend_html = format_html(
            '<ul class="chart-legend">{}</ul>',
            format_html_join(
                "", '<li><svg width="12" height="12" aria-hidden="true" focusable="false"><rect width="12"'
                ' height="12" fill="{}"/></svg> {}</li>', ((colour, name) for name, colour in series),
            ),
        )
    first, second = column_titles or (title, "")
    if len(series) > 1:
        head = format_html_join("", '<th scope="col">{}</th>', ((name,) for name, _ in series))
    else:
        head = format_html('<th scope="col">{}</th>', second or title)
    body = format_html_join(
        "", "<tr><th scope=\"row\">{}</th>{}</tr>",
        (
            (label, format_html_join("", "<td>{}</td>", ((value_text(v),) for v in values)))
            for label, values in rows
        ),
    )
    table = format_html(
        '<table class="{}" aria-labelledby="{}-title"><thead><tr><th scope="col">{}</th>{}</tr></thead>'
        "<tbody>{}</tbody></table>",
        hidden_class, chart_id, first, head, body,
    )
    return format_html(
        '<figure class="chart" id="{}"><figcaption id="{}-title">{}</figcaption>{}{}{}</figure>',
        chart_id, chart_id, title, svg, legend_html, table,
    )
