"""Each role lands on its work: the panels of the admin dashboard (Wagtail's home) for trainers, library heads and
administrators, registered by cms/wagtail_hooks.py through `construct_homepage_panels`; for these roles they take the
place of Wagtail's site summary («44 Страницы»).

A panel is a heading, a line or two of numbers (plural forms through ngettext), at most `ROWS` rows, a link to the
full screen and a Russian sentence when there is nothing to show. The reads are the apps' landing selectors
(`courses.landing`, `lms.internships.landing`) and the existing ones of the full screens, each a fixed number of
queries, scoped as the full screen is: a trainer sees own courses, a head the staff of own library.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin.ui.components import Component

from certificates import compliance
from certificates import selectors as certificate_selectors
from certificates.compliance_views import compliance_chart
from courses import landing as course_landing
from courses.models import Attempt
from courses.quizzes import selectors as quiz_selectors
from lms.accounts.roles import Role, user_roles
from lms.dates import day, days
from lms.internships import landing as internship_landing

ROWS = 5
CHART_ROWS = 5


# --- How a panel looks --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""


@dataclass
class LandingPanel(Component):
    """One panel of a role's landing (rendered by templates/cms/dashboard/panel.html)."""

    key: str
    heading: str
    order: int
    facts: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    empty: str = ""
    link_url: str = ""
    link_label: str = ""
    chart: SafeString | str = ""
    icon: str = "list-ul"

    template_name = "cms/dashboard/panel.html"

    def get_context_data(self, parent_context=None):
        return {"panel": self}

    def __hash__(self):  # Component media lookups may hash; panels are compared by identity
        return id(self)


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _person(user) -> str:
    return user.full_name or user.email


# --- Who sees what ------------------------------------------------------------------------------------------------

def landing_roles(request) -> set[str]:
    """The staff roles whose panels the dashboard shows (one query, kept on the request for both hooks)."""
    if not hasattr(request, "_landing_roles"):
        user = request.user
        roles = user_roles(user) if user.is_authenticated else set()
        if user.is_superuser:
            roles.add(Role.ADMINISTRATOR)
        request._landing_roles = roles & {Role.TRAINER, Role.LIBRARY_HEAD, Role.ADMINISTRATOR}
    return request._landing_roles


def panels_for(request) -> list[LandingPanel]:
    roles = landing_roles(request)
    today = timezone.localdate()
    panels: list[LandingPanel] = []
    if Role.ADMINISTRATOR in roles:
        panels += administrator_panels(request.user, today=today)
    if Role.TRAINER in roles:
        panels += trainer_panels(request.user, today=today)
    if Role.LIBRARY_HEAD in roles:
        panels += head_panels(request.user, today=today)
    return panels


# --- Trainer ------------------------------------------------------------------------------------------------------

def trainer_panels(user, *, today: datetime.date) -> list[LandingPanel]:
    report = reverse("courses_learners_report")
    courses = course_landing.trainer_courses(user, today=today)
    mine = LandingPanel(
        key="trainer-courses", heading=_("My courses"), order=110, icon="doc-full-inverse",
        facts=[ngettext("You teach %(count)d course.", "You teach %(count)d courses.", len(courses))
               % {"count": len(courses)}] if courses else [],
        # Each number says what it counts: on a phone Wagtail's listing shows the cells of a row without headers.
        columns=[_("Course"), _("Learners enrolled"), _("Completed the course"), _("Behind the due date")],
        rows=[[Cell(c.title, _url("courses_learners_report", course=c.pk)),
               Cell(ngettext("%(count)d learner", "%(count)d learners", c.learners) % {"count": c.learners}),
               Cell(_("completed: %(count)d") % {"count": c.completed}),
               Cell(_("overdue: %(count)d") % {"count": c.behind})] for c in courses[:ROWS]],
        empty=_("You do not teach any course yet."),
        link_url=report, link_label=_("All learners of my courses"),
    )

    waiting = quiz_selectors.attempts_managed_by(user).filter(status=Attempt.Status.NEEDS_GRADING)
    essays_total = waiting.count()
    essays = LandingPanel(
        key="trainer-essays", heading=_("Essays awaiting grading"), order=120, icon="edit",
        facts=[ngettext("%(count)d essay awaits your grade.", "%(count)d essays await your grade.", essays_total)
               % {"count": essays_total}] if essays_total else [],
        columns=[_("Learner"), _("Quiz"), _("Submitted on")],
        rows=[[Cell(_person(a.user), reverse("courses_quiz_essay_grade", args=[a.pk])), Cell(a.quiz.title),
               Cell(day(a.submitted_at))] for a in waiting[:ROWS]],
        empty=_("No essay awaits grading."),
        link_url=reverse("courses_quiz_essay_queue"), link_label=_("Open the grading queue"),
    )

    behind = course_landing.trainer_learners_behind(user, today=today, limit=ROWS)
    facts = []
    if behind.overdue:
        facts.append(ngettext("%(count)d learner has missed the due date.",
                              "%(count)d learners have missed the due date.", behind.overdue)
                     % {"count": behind.overdue})
    if behind.due_soon:
        facts.append(ngettext("%(count)d learner's due date comes within a week.",
                              "%(count)d learners' due dates come within a week.", behind.due_soon)
                     % {"count": behind.due_soon})
    late = LandingPanel(
        key="trainer-behind", heading=_("Learners who are behind"), order=130, icon="warning",
        facts=facts,
        columns=[_("Learner"), _("Course"), _("Due date"), _("Progress")],
        rows=[[Cell(_person(e.user), _url("courses_learners_report", course=e.course_id)), Cell(e.course.title),
               Cell(day(e.due_date) + (" · " + _("overdue") if e.due_date < today else "")),
               Cell(f"{e.progress_percent} %")] for e in behind.rows],
        empty=_("Nobody is behind: no due date has passed and none comes within a week."),
        link_url=_url("courses_learners_report", overdue="true"), link_label=_("All overdue learners"),
    )
    return [mine, essays, late]


# --- Library head -------------------------------------------------------------------------------------------------

def head_panels(user, *, today: datetime.date) -> list[LandingPanel]:
    staff_requests = reverse("internships:staff_requests")
    requests = internship_landing.head_requests(user, limit=ROWS)
    to_decide = LandingPanel(
        key="head-requests", heading=_("Requests to approve"), order=210, icon="circle-check",
        facts=[ngettext("%(count)d internship request of your staff awaits your decision.",
                        "%(count)d internship requests of your staff await your decision.", requests.total)
               % {"count": requests.total}] if requests.total else [],
        columns=[_("Staff member"), _("Topic"), _("Dates")],
        rows=[[Cell(_person(b.user)), Cell(b.session.topic.title), Cell(days(b.session.start_date,
                                                                              b.session.end_date))]
              for b in requests.rows],
        empty=_("No request of your staff awaits your decision."),
        link_url=staff_requests, link_label=_("Decide on the requests"),
    )

    overdue = course_landing.staff_overdue_assigned(user, today=today, limit=ROWS)
    late = LandingPanel(
        key="head-overdue", heading=_("Overdue mandatory courses"), order=220, icon="warning",
        facts=[ngettext("%(count)d mandatory course of your staff is overdue.",
                        "%(count)d mandatory courses of your staff are overdue.", overdue.total)
               % {"count": overdue.total}] if overdue.total else [],
        columns=[_("Staff member"), _("Course"), _("Due date"), _("Progress")],
        rows=[[Cell(_person(e.user)), Cell(e.course.title), Cell(day(e.due_date)), Cell(f"{e.progress_percent} %")]
              for e in overdue.rows],
        empty=_("Your staff have no overdue mandatory course."),
        link_url=_url("courses_learners_report", overdue="true"), link_label=_("All overdue courses of your staff"),
    )

    coming = internship_landing.head_coming_internships(user, today=today, limit=ROWS)
    internships = LandingPanel(
        key="head-internships", heading=_("Coming internships of your staff"), order=230, icon="date",
        facts=[ngettext("%(count)d approved booking in the coming weeks.",
                        "%(count)d approved bookings in the coming weeks.", coming.total)
               % {"count": coming.total}] if coming.total else [],
        columns=[_("Staff member"), _("Topic"), _("Dates")],
        rows=[[Cell(_person(b.user)), Cell(b.session.topic.title),
               Cell(days(b.session.start_date, b.session.end_date))] for b in coming.rows],
        empty=_("None of your staff has an approved internship in the coming weeks."),
        link_url=staff_requests, link_label=_("All internship bookings of your staff"),
    )
    return [to_decide, late, internships, head_compliance_panel(user, today=today)]


def _compliance_facts(totals) -> list[str]:
    if not totals.total:
        return []
    return [ngettext("%(count)d staff member falls under a requirement; compliant: %(percent)d%%.",
                     "%(count)d staff members fall under a requirement; compliant: %(percent)d%%.",
                     totals.total) % {"count": totals.total, "percent": totals.percent},
            " · ".join(f"{compliance.STATUS_LABELS[s]}: {totals.counts[s]}" for s in compliance.STATUSES)]


def head_compliance_panel(user, *, today: datetime.date) -> LandingPanel:
    """The head's staff against every requirement: the totals and who is not compliant yet, overdue first."""
    picture = compliance.compliance_picture(viewer=user, today=today)
    behind = sorted((p for p in picture.people if not p.is_compliant),
                    key=lambda p: (-compliance.SEVERITY[p.status], p.user.last_name, p.user.first_name))
    open_statuses = (compliance.IN_PROGRESS, compliance.OVERDUE)
    return LandingPanel(
        key="head-compliance", heading=_("Compliance with requirements"), order=240, icon="tasks",
        facts=_compliance_facts(picture.totals),
        columns=[_("Staff member"), _("Overall status"), _("Not yet done")],
        rows=[[Cell(_person(p.user)), Cell(str(p.label)),
               Cell(", ".join(item.title for item in p.items if item.status in open_statuses))]
              for p in behind[:ROWS]],
        empty=_("None of your staff falls under a mandatory course rule or an internship requirement."),
        link_url=reverse("certificates_compliance_report"),
        link_label=_("The report of compliance with requirements"),
    )


# --- Administrator ------------------------------------------------------------------------------------------------

def administrator_panels(user, *, today: datetime.date) -> list[LandingPanel]:
    requests = internship_landing.requests_to_approve(limit=ROWS)
    to_approve = LandingPanel(
        key="admin-requests", heading=_("Internship bookings to approve"), order=10, icon="circle-check",
        facts=[ngettext("%(count)d booking awaits approval.", "%(count)d bookings await approval.", requests.total)
               % {"count": requests.total}] if requests.total else [],
        columns=[_("Staff member"), _("Library"), _("Topic"), _("Dates")],
        rows=[[Cell(_person(b.user)), Cell(b.user.library.short_name if b.user.library else "—"),
               Cell(b.session.topic.title, reverse("internships_admin_roster", args=[b.session_id])),
               Cell(days(b.session.start_date, b.session.end_date))] for b in requests.rows],
        empty=_("No booking awaits approval."),
        link_url=reverse("internships_admin_requests"), link_label=_("All requests to decide"),
    )

    week = internship_landing.sessions_this_week(today=today, limit=ROWS)
    sessions = LandingPanel(
        key="admin-week", heading=_("Internship sessions this week"), order=20, icon="date",
        facts=[ngettext("%(count)d session runs this week.", "%(count)d sessions run this week.", week.total)
               % {"count": week.total}] if week.total else [],
        columns=[_("Topic"), _("Dates"), _("Seats taken")],
        rows=[[Cell(s.topic.title, reverse("internships_admin_roster", args=[s.pk])),
               Cell(days(s.start_date, s.end_date)),
               Cell(_("%(taken)d of %(capacity)d") % {"taken": s.seats_taken, "capacity": s.capacity})]
              for s in week.rows],
        empty=_("No internship session runs this week."),
        link_url=reverse("internships_admin_calendar"), link_label=_("Calendar of internships"),
    )

    pending = certificate_selectors.completed_without_certificate()
    pending_total = pending.count()
    documents = LandingPanel(
        key="admin-documents", heading=_("Documents to issue"), order=30, icon="doc-full",
        facts=[ngettext("%(count)d completion without a document.", "%(count)d completions without a document.",
                        pending_total) % {"count": pending_total}] if pending_total else [],
        columns=[_("Staff member"), _("Course or internship"), _("Completed on")],
        rows=[[Cell(_person(p.person)), Cell(p.title), Cell(day(p.completed_at))]
              for p in certificate_selectors.pending_completions(pending[:ROWS])],
        empty=_("Every completed course and internship has its document."),
        link_url=reverse("certificate_issue:index"), link_label=_("Issue certificates"),
    )
    return [to_approve, sessions, documents, compliance_panel(user, today=today)]


def compliance_panel(user, *, today: datetime.date) -> LandingPanel:
    """Compliance with every requirement (mandatory courses and the internship): the totals in four colours and the
    municipalities with most people overdue, as a stacked bar chart."""
    picture = compliance.compliance_picture(viewer=user, today=today)
    totals = picture.totals
    # The municipalities where most people are overdue come first: they are what to act on.
    worst = sorted(picture.municipalities,
                   key=lambda g: (-g.counts[compliance.OVERDUE], -g.counts[compliance.IN_PROGRESS], g.name))
    chart = compliance_chart(worst[:CHART_ROWS], title=_("Compliance by municipality"), column=_("Municipality"))
    facts = _compliance_facts(totals)
    return LandingPanel(
        key="admin-compliance", heading=_("Compliance with requirements"), order=40, icon="tasks",
        facts=facts, chart=chart,
        empty=_("No mandatory course rule or internship requirement covers anyone yet."),
        link_url=reverse("certificates_compliance_report"),
        link_label=_("The report of compliance with requirements"),
    )
