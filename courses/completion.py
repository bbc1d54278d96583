"""What counts toward a course's progress besides its lessons.

A kind of course content other than a lesson (a quiz; later a SCORM or H5P package) registers one function here,
a *progress contribution*: given an enrolment, it names the course's items of that kind that count (each with
whether it is required) and which of them the person has done. The course services ask every contribution
through `contributed_items`, and so never import the code of the content kinds themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Item = tuple[str, int]  # (kind, page id), e.g. ("quiz", 42)


@dataclass
class Contribution:
    items: dict[Item, bool] = field(default_factory=dict)  # item -> counts as required
    done: set[Item] = field(default_factory=set)


_contributions: dict[str, Callable] = {}


def register_progress_contribution(kind: str, contribution: Callable) -> None:
    """`contribution(enrolment) -> Contribution`; registering the same kind again replaces it (reloads)."""
    _contributions[kind] = contribution


def contributed_items(enrolment) -> Contribution:
    total = Contribution()
    for contribution in _contributions.values():
        part = contribution(enrolment)
        total.items.update(part.items)
        total.done |= part.done
    return total


def contributed_done(enrolment, kind: str) -> set[int]:
    """The page ids of one kind the person has done (the course page ticks them in its syllabus); empty when no
    contribution of that kind is registered."""
    contribution = _contributions.get(kind)
    if contribution is None or enrolment is None:
        return set()
    return {pk for item_kind, pk in contribution(enrolment).done if item_kind == kind}
