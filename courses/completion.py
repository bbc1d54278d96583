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


# --- What a lesson asks besides the learner's word -----------------------------------------------------------------
# A content kind placed inside a lesson's body (H5P tasks) may ask that it be done before the lesson counts as
# studied. It registers a *lesson requirement*: given the lesson and the person's enrolment (None for staff who
# only look), it says how far the person is, or None when the lesson has nothing of that kind. The lesson page
# shows an unmet requirement instead of its «studied» button, and `courses.services.lesson_complete` refuses with
# its message, so neither the page nor the service imports the content kinds.

@dataclass
class LessonRequirement:
    kind: str
    done: int
    total: int
    message: str                          # translated: what remains to do, or that all is done
    template: str                         # shown on the lesson page in place of the «studied» button
    context: dict = field(default_factory=dict)

    @property
    def met(self) -> bool:
        return self.done >= self.total


_lesson_requirements: dict[str, Callable] = {}


def register_lesson_requirement(kind: str, requirement: Callable) -> None:
    """`requirement(lesson, enrolment) -> LessonRequirement | None`; registering a kind again replaces it."""
    _lesson_requirements[kind] = requirement


def lesson_requirements(lesson, enrolment) -> list[LessonRequirement]:
    found = (requirement(lesson, enrolment) for requirement in _lesson_requirements.values())
    return [requirement for requirement in found if requirement is not None]
