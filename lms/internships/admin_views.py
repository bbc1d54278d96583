"""Admin screens for internships: requests to decide, a session's roster (status, people, attendance, evaluation,
audit trail) and the calendar. Every button posts to a view that calls one service."""

from __future__ import annotations

import calendar
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.views.generic import CreateView, DeleteView, EditView

from lms.accounts.models import User
from lms.libraries.models import Municipality

from . import compliance, quotas, selectors, services
from .models import Attendance, Booking, BookingEvent, Session, Topic

S = Booking.Status


def _require_admin(user) -> None:
    if not services.user_is_internship_admin(user):
        raise PermissionDenied


def _session_for_roster(user, pk: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("topic"), pk=pk)
    if not services.user_may_mark_attendance(user, session):
        raise PermissionDenied
    return session


# --- Session edit: calendars follow the change -----------------------------------------------------------------------

WATCHED = ("start_date", "end_date", "day_starts", "day_ends", "room", "capacity")


class SessionCreateView(CreateView):
    pass


class SessionEditView(EditView):
    def post(self, request, *args, **kwargs):
        if "propose_quotas" in request.POST:
            return self.propose_quotas()
        return super().post(request, *args, **kwargs)

    def propose_quotas(self):
        """«Предложить квоты»: the same form again, with what the administrator typed and the quota rows filled
        from the proposal (rows of municipalities it gives no seat are marked for deletion). Nothing is saved."""
        request = self.request
        self.object = self.get_object()
        data, proposal, error, removed = request.POST, None, "", []
        try:
            proposal = quotas.quota_proposal(viewer=request.user, session=self.object,
                                             seats=request.POST.get(QUOTA_SEATS_INPUT, ""))
        except services.BookingError as exc:
            error = str(exc)
        else:
            data, removed = proposed_quota_rows(request.POST, proposal.quotas)
        self.form = self.get_form_class()(data, request.FILES, instance=self.object, for_user=request.user)
        self.form.quota_proposal, self.form.quota_proposal_error = proposal, error
        self.form.quota_proposal_removed = list(
            Municipality.objects.filter(pk__in=removed).order_by("name").values_list("name", flat=True))
        return self.render_to_response(self.get_context_data())

    def form_valid(self, form):
        previous = Session.objects.filter(pk=self.object.pk).values(*WATCHED).first() or {}
        response = super().form_valid(form)
        offered = services.session_changed(admin=self.request.user, session=self.object, previous=previous)
        if offered:
            messages.info(self.request, _("Seats offered to the queue: %(n)d.") % {"n": offered})
        return response


QUOTA_SEATS_INPUT = "quota_proposal_seats"


def proposed_quota_rows(post, proposed: dict[int, int], prefix: str = "quotas") -> tuple:
    """The posted form data with the quota formset's rows replaced by the proposal: a saved row keeps its id and
    gets the proposed seats, or is marked for deletion; municipalities without a row get a new one. Returns the
    data and the ids of the municipalities whose rows are to be deleted."""
    data = post.copy()
    initial = _int_or_none(data.get(f"{prefix}-INITIAL_FORMS")) or 0
    for key in list(data):
        parts = key.split("-")
        if key.startswith(f"{prefix}-") and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) >= initial:
            del data[key]
    wanted, removed = dict(proposed), []
    for index in range(initial):
        municipality = _int_or_none(data.get(f"{prefix}-{index}-municipality"))
        if municipality in wanted:
            data[f"{prefix}-{index}-seats"] = str(wanted.pop(municipality))
            data.pop(f"{prefix}-{index}-DELETE", None)
        else:
            data[f"{prefix}-{index}-DELETE"] = "1"
            removed.append(municipality)
    for index, (municipality, seats) in enumerate(wanted.items(), start=initial):
        data.update({f"{prefix}-{index}-id": "", f"{prefix}-{index}-municipality": str(municipality),
                     f"{prefix}-{index}-seats": str(seats)})
    data[f"{prefix}-TOTAL_FORMS"] = str(initial + len(wanted))
    return data, removed


class SessionDeleteView(DeleteView):
    """A session with bookings is history (audit, attendance, certificates): it is cancelled, never deleted."""

    def dispatch(self, request, *args, **kwargs):
        session = Session.objects.filter(pk=kwargs.get("pk")).first()
        if session is not None and session.bookings.exists():
            messages.error(request, _("The session has bookings and cannot be deleted; cancel it instead."))
            return redirect("internships_admin_roster", pk=session.pk)
        return super().dispatch(request, *args, **kwargs)


class TopicDeleteView(DeleteView):
    def dispatch(self, request, *args, **kwargs):
        topic = Topic.objects.filter(pk=kwargs.get("pk")).first()
        if topic is not None and topic.sessions.exists():
            messages.error(request, _("The topic has sessions and cannot be deleted; make it inactive instead."))
            return redirect("internship_topics:edit", topic.pk)
        return super().dispatch(request, *args, **kwargs)


# --- Requests to decide ----------------------------------------------------------------------------------------------

def booking_requests(request):
    _require_admin(request.user)
    waiting = (Booking.objects.filter(status=S.REQUESTED).select_related("user__library__municipality",
                                                                        "session__topic")
               .order_by("session__start_date", "created_at", "pk"))
    page = Paginator(waiting, 50).get_page(request.GET.get("p"))
    return render(request, "internships/admin/requests.html", {
        "page": page, "page_title": _("Internship requests"), "header_title": _("Internship requests"),
        "header_icon": "circle-check",
    })


def _next(request, default: str):
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/admin/") else default)


@require_POST
def booking_decide(request, pk: int):
    _require_admin(request.user)
    booking = get_object_or_404(Booking.objects.select_related("user", "session"), pk=pk)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            services.booking_approve(admin=request.user, booking=booking)
            messages.success(request, _("Approved: %(name)s.") % {"name": booking.user.full_name})
        elif decision == "reject":
            services.booking_reject(admin=request.user, booking=booking, reason=request.POST.get("reason", ""))
            messages.success(request, _("Rejected: %(name)s.") % {"name": booking.user.full_name})
        elif decision == "cancel":
            services.booking_cancel(actor=request.user, booking=booking, reason=request.POST.get("reason", ""))
            messages.success(request, _("Cancelled: %(name)s.") % {"name": booking.user.full_name})
        else:
            return HttpResponseBadRequest()
    except services.BookingError as error:
        messages.error(request, str(error))
    return _next(request, "internships_admin_requests")


# --- A session's roster ----------------------------------------------------------------------------------------------

def session_roster(request, pk: int):
    session = _session_for_roster(request.user, pk)
    session = selectors.session_detail(session.pk)
    bookings = list(
        Booking.objects.filter(session=session).select_related("user__library__municipality")
        .prefetch_related("attendance", Prefetch("events", queryset=BookingEvent.objects.select_related("actor")))
        .order_by("queued_at", "created_at", "pk"))
    order = list(Booking.Status.values)
    bookings.sort(key=lambda b: order.index(b.status))
    days = session.days
    today = timezone.localdate()
    for booking in bookings:
        marks = {a.day: a.mark for a in booking.attendance.all()}
        booking.day_marks = [(day, marks.get(day, ""), day <= today) for day in days]
    attending = [b for b in bookings if b.status in (S.APPROVED, S.ATTENDED, S.NO_SHOW, S.COMPLETED)]
    return render(request, "internships/admin/roster.html", {
        "session": session, "bookings": bookings, "attending": attending, "days": days,
        "is_admin": services.user_is_internship_admin(request.user),
        "marks": Attendance.Mark.choices, "evaluations": Booking.Evaluation.choices,
        "page_title": str(session), "header_title": session.topic.title, "header_icon": "group",
    })


@require_POST
def session_status(request, pk: int):
    _require_admin(request.user)
    session = get_object_or_404(Session, pk=pk)
    target = request.POST.get("status")
    try:
        if target == Session.Status.CANCELLED:
            count = services.session_cancel(admin=request.user, session=session,
                                            reason=request.POST.get("reason", ""))
            messages.success(request, _("The session is cancelled; bookings cancelled: %(n)d.") % {"n": count})
        elif target in (Session.Status.OPEN, Session.Status.CLOSED, Session.Status.HELD):
            services.session_set_status(admin=request.user, session=session, status=target)
            messages.success(request, _("The session's status is changed."))
        else:
            return HttpResponseBadRequest()
    except services.BookingError as error:
        messages.error(request, str(error))
    return redirect("internships_admin_roster", pk=pk)


@require_POST
def session_add_person(request, pk: int):
    _require_admin(request.user)
    session = get_object_or_404(Session, pk=pk)
    email = request.POST.get("email", "").strip()
    person = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if person is None:
        messages.error(request, _("No active account with the e-mail «%(email)s».") % {"email": email[:200]})
        return redirect("internships_admin_roster", pk=pk)
    try:
        services.booking_add(admin=request.user, user=person, session=session,
                             over_capacity=request.POST.get("over_capacity") == "1",
                             note=request.POST.get("note", "")[:1000])
        messages.success(request, _("Added: %(name)s.") % {"name": person.full_name})
    except services.BookingError as error:
        messages.error(request, str(error))
    return redirect("internships_admin_roster", pk=pk)


@require_POST
def booking_attendance(request, pk: int):
    """One row of the attendance grid: a mark per day, then the mentor's evaluation."""
    booking = get_object_or_404(Booking.objects.select_related("session__topic", "user"), pk=pk)
    _session_for_roster(request.user, booking.session_id)
    marks = {day: request.POST[f"day-{day.isoformat()}"] for day in booking.session.days
             if request.POST.get(f"day-{day.isoformat()}")}
    try:
        recorded = services.attendance_record(actor=request.user, booking=booking, marks=marks,
                                              evaluation=request.POST.get("evaluation", ""),
                                              comment=request.POST.get("comment", "")[:2000])
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        if recorded:
            messages.success(request, _("Saved for %(name)s.") % {"name": booking.user.full_name})
    return redirect("internships_admin_roster", pk=booking.session_id)


def mentor_sessions(request):
    """A mentor's sessions, newest first, each leading to its roster (attendance and evaluation)."""
    sessions = selectors.sessions_mentored_by(request.user)
    if not sessions.exists() and not services.user_is_internship_admin(request.user):
        raise PermissionDenied
    return render(request, "internships/admin/mentor_sessions.html", {
        "sessions": sessions, "page_title": _("My internship groups"), "header_title": _("My internship groups"),
        "header_icon": "group",
    })


# --- Calendar --------------------------------------------------------------------------------------------------------

def sessions_calendar(request):
    _require_admin(request.user)
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        first = datetime.date(year, month, 1)
    except (TypeError, ValueError):
        first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    sessions = list(selectors.sessions_with_seats(
        Session.objects.filter(start_date__lte=last, end_date__gte=first).select_related("topic")
    ).order_by("start_date", "pk"))
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append([(day, day.month == first.month, day == today,
                       [s for s in sessions if s.start_date <= day <= s.end_date]) for day in week])
    previous_month = (first - datetime.timedelta(days=1)).replace(day=1)
    next_month = last + datetime.timedelta(days=1)
    return render(request, "internships/admin/calendar.html", {
        "weeks": weeks, "month": first, "sessions": sessions,
        "previous_month": f"{previous_month:%Y-%m}", "next_month": f"{next_month:%Y-%m}",
        "page_title": _("Internship calendar"), "header_title": _("Internship calendar"), "header_icon": "date",
    })


# --- Compliance ------------------------------------------------------------------------------------------------------

# The internship's statuses in the report of every requirement (certificates/compliance.py).
COMPLIANCE_STATUS_MAP = {compliance.DONE: "compliant", compliance.BOOKED: "in_progress",
                         compliance.QUEUED: "in_progress", compliance.NOT_BOOKED: "in_progress",
                         compliance.OVERDUE: "overdue", compliance.EXPIRING: "expiring"}


def compliance_report(request):
    """The old address of the internship-only report: the report of every requirement, the internship chosen and
    the filters carried over."""
    query = {"requirement": "internship"}
    for name in ("municipality", "library", "export"):
        if request.GET.get(name):
            query[name] = request.GET[name]
    if request.GET.get("status") in COMPLIANCE_STATUS_MAP:
        query["status"] = COMPLIANCE_STATUS_MAP[request.GET["status"]]
    return redirect(reverse("certificates_compliance_report") + "?" + urlencode(query))


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
