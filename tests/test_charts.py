"""The server-drawn charts: well-formed SVG, proportional bars, and the same figures as text for screen readers."""

from xml.etree import ElementTree

from lms.charts import GREEN, RED, bar_chart, progress_bar, stacked_bar_chart


def _parse(html):
    return ElementTree.fromstring(str(html))


def test_progress_bar_is_named_and_filled_in_proportion():
    svg = _parse(progress_bar(value=18, total=72, label="Часы за 2026 год", value_text="18 из 72 часов"))
    assert svg.get("role") == "img" and svg.get("aria-label") == "Часы за 2026 год: 18 из 72 часов"
    track, fill = svg.findall("{http://www.w3.org/2000/svg}rect")
    assert track.get("width") == "100" and fill.get("width") == "25.0"


def test_progress_bar_is_capped_and_survives_a_zero_total():
    over = _parse(progress_bar(value=100, total=72, label="a", value_text="b"))
    assert over.findall("{http://www.w3.org/2000/svg}rect")[1].get("width") == "100.0"
    zero = _parse(progress_bar(value=5, total=0, label="a", value_text="b"))
    assert zero.findall("{http://www.w3.org/2000/svg}rect")[1].get("width") == "0.0"


def test_bar_chart_draws_bars_in_proportion_and_repeats_the_rows_as_a_table():
    figure = _parse(bar_chart([("Кемерово", 12), ("Юрга <б>", 3)], title="Отстающие",
                              value_text=lambda v: f"{v:g} чел."))
    ns = "{http://www.w3.org/2000/svg}"
    svg = figure.find(f"{ns}svg")
    assert svg.get("aria-hidden") == "true"
    bars = [r for r in svg.findall(f"{ns}rect") if r.get("fill") != "#e3e6ea"]
    assert [float(b.get("width")) for b in bars] == [330.0, 82.5]
    table = figure.find("table")
    assert table.get("class") == "visually-hidden"
    cells = [[c.text for c in row] for row in table.find("tbody")]
    assert cells == [["Кемерово", "12 чел."], ["Юрга <б>", "3 чел."]]  # escaped in the markup, text as given
    assert figure.find("figcaption").text == "Отстающие"


def test_stacked_bar_chart_has_a_legend_and_one_column_per_series():
    figure = _parse(stacked_bar_chart(
        [("Очень длинное название библиотеки, которое не помещается", (3, 1))],
        series=[("соответствуют", GREEN), ("не соответствуют", RED)], title="Соответствие",
        hidden_class="w-sr-only",
    ))
    ns = "{http://www.w3.org/2000/svg}"
    label = figure.find(f"{ns}svg").find(f"{ns}text").text
    assert label.endswith("…") and len(label) <= 30
    assert ["".join(li.itertext()).strip() for li in figure.find("ul").findall("li")] == ["соответствуют", "не соответствуют"]
    assert [th.text for th in figure.find("table").find("thead").find("tr")] == [
        "Соответствие", "соответствуют", "не соответствуют"]
    assert figure.find("table").get("class") == "w-sr-only"


def test_the_written_totals_get_room_after_the_bars():
    ns = "{http://www.w3.org/2000/svg}"
    short = _parse(bar_chart([("Юрга", 3)], title="Отстающие"))
    long_text = _parse(bar_chart([("Юрга", 3)], title="Отстающие", value_text=lambda v: f"{v:g} зачисления в курсе"))
    short_width = float(short.find(f"{ns}svg").get("viewBox").split()[2])
    long_width = float(long_text.find(f"{ns}svg").get("viewBox").split()[2])
    assert short_width == 210 + 330 + 8 + 60
    assert long_width >= 210 + 330 + 8 + len("3 зачисления в курсе") * 7
