"""Playing the real test SCOs (tests/courses/packages/scos.py) in Chromium as a learner does: answer the question of
the page shown, turn pages, finish. ``sco`` is a Playwright Frame or FrameLocator of the SCO's document."""

from __future__ import annotations


def answer(sco, question: dict, *, right: bool = True) -> None:
    """Answer ``question`` on the page shown: correctly, or (``right=False``) with a wrong answer."""
    kind, correct = question["type"], question["correct"]
    if kind == "choice":
        value = correct if right else next(v for v, _label in question["options"] if v != correct)
        label = dict(question["options"])[value]
        sco.get_by_label(label, exact=True).check()
    elif kind == "true-false":
        sco.get_by_label("Верно" if correct == right else "Неверно", exact=True).check()
    elif kind == "fill-in":
        sco.get_by_label("Ваш ответ").fill(correct[0] if right else "не знаю")
    elif kind == "numeric":
        sco.get_by_label("Ваш ответ").fill(str(correct if right else correct + 1))
    elif kind == "sequencing":
        order = correct if right else list(reversed(correct))
        for place, value in enumerate(order, start=1):
            sco.get_by_label(f"{place}-е место").select_option(value)
    elif kind == "matching":
        targets = [value for value, _label in question["targets"]]
        for source, label in question["options"]:
            target = correct[source] if right else next(t for t in targets if t != correct[source])
            sco.get_by_label(label, exact=True).select_option(target)
    else:
        raise ValueError(f"no way to answer a {kind} question")


def shown_answer(sco, question: dict):
    """What the page shows as the answer to ``question`` (after a resume: what was restored)."""
    kind = question["type"]
    if kind == "choice":
        return next((value for value, label in question["options"]
                     if sco.get_by_label(label, exact=True).is_checked()), None)
    if kind == "true-false":
        if sco.get_by_label("Верно", exact=True).is_checked():
            return True
        return False if sco.get_by_label("Неверно", exact=True).is_checked() else None
    if kind in ("fill-in", "numeric"):
        return sco.get_by_label("Ваш ответ").input_value()
    if kind == "sequencing":
        return [sco.get_by_label(f"{place}-е место").input_value() for place in range(1, len(question["options"]) + 1)]
    return {source: sco.get_by_label(label, exact=True).input_value() for source, label in question["options"]}


def next_page(sco) -> None:
    sco.get_by_role("button", name="Далее", exact=True).click()


def finish(sco) -> None:
    sco.get_by_role("button", name="Завершить", exact=True).click()


def play_through(sco, config: dict, *, right: bool = True, start: int = 0) -> None:
    """From page ``start`` (the one shown, counted from 0) to the end: answer each page's question, turn the page,
    and finish."""
    pages = config["pages"]
    for number in range(start, len(pages)):
        page = pages[number]
        sco.get_by_text(f"Страница {number + 1} из {len(pages)}", exact=True).wait_for()
        if page.get("question"):
            answer(sco, page["question"], right=right)
        if number < len(pages) - 1:
            next_page(sco)
    finish(sco)
