"""What the home page shows a visitor: the programme's courses and the next internship sessions at ОНБ.

The home page is one of the pages the anonymous page cache stores (cms/page_cache.py): a stored copy lives at most
PAGE_CACHE_SECONDS (five minutes by default) and publishing anything starts a new content generation, so its
«free seats» are at most that old. That is the choice made: the figure is an invitation to look, the session page
(served live) and the booking service (which counts seats under a lock) are where a seat is really taken, and five
minutes of staleness costs less than rendering the home page for every visitor. Logged-in people see it live.
"""

from __future__ import annotations

from django.utils import timezone

from courses import selectors as course_selectors
from courses.models import ProgrammePage
from lms import content_cache
from lms.dates import days
from lms.internships import landing as internship_landing

HOME_COURSES = 6
HOME_SESSIONS = 4


def home_programme(home) -> ProgrammePage | None:
    """The home page's programme (the first live public one under it): published content, kept in the cache."""
    return content_cache.cached(f"home-programme:{home.pk}", lambda: ProgrammePage.objects.live().public()
                                .child_of(home).order_by("path").first())


def home_context(home) -> dict:
    programme = home_programme(home)
    courses = course_selectors.catalogue_courses(programme) if programme else []
    sessions = internship_landing.next_sessions(today=timezone.localdate(), limit=HOME_SESSIONS)
    for session in sessions:
        session.dates_text = days(session.start_date, session.end_date)
    return {
        "programme": programme,
        "home_courses": courses[:HOME_COURSES],
        "more_courses": len(courses) > HOME_COURSES,
        "next_sessions": sessions,
    }
