"""Learner and library-head pages for internships. Every action is a POST form (no JavaScript needed) that calls one
service and comes back with a message."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext as _, gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lms.accounts.models import User
from lms import content_cache
from lms.accounts.selectors import staff_visible_to

from . import ics, selectors, services
from .models import Booking, Session, Topic

MAX_REPORT_BYTES = 10 * 1024 * 1024


def _is_head(user) -> bool:
    return (user.is_authenticated and user.has_perm("accounts.view_library_staff")
            and not user.has_perm("accounts.view_user"))


def _topic_list_shared(today) -> list[dict]:
    """What the internships list shows the same for everyone, for one language, time zone and day, as ready
    values (formatted dates, addresses, the hours in words): built from two queries once per content generation
    (internship changes start a new one, see apps.py). The markup stays in the template."""
    topics = []
    for topic, sessions in selectors.upcoming_catalogue(today):
        rows = [{
            "pk": session.pk, "capacity": session.capacity, "status": str(session.get_status_display()),
            "url": reverse("internships:session", args=[session.pk]),
            "start": date_filter(session.start_date, "j E"), "end": date_filter(session.end_date, "j E Y"),
            "deadline": date_filter(timezone.localtime(session.booking_deadline), "j E, H:i"),
        } for session in sessions]
        topics.append({
            "pk": topic.pk, "title": topic.title, "host_department": topic.host_department,
            "description": topic.description,
            "hours": ngettext("%(hours)s academic hour", "%(hours)s academic hours", topic.academic_hours) % {
                "hours": topic.academic_hours},
            "sessions": rows, "interest_url": reverse("internships:interest", args=[topic.pk]),
        })
    return topics


HOLE_RE = re.compile(r"__hole_(seats|status|form)_(\d+)_7c3e__")
CSRF_HOLE = "__hole_csrf_7c3e__"


def _hole(kind: str, pk: int) -> str:
    return f"__hole_{kind}_{pk}_7c3e__"


def _topic_list_markup(today) -> dict:
    """The list's sections rendered once per content generation, language, time zone and day, with a hole where
    each session's seats and the person's status go, and one where each topic's interest form goes; the two forms
    (interested or not) rendered beside them with a placeholder for the CSRF token. What fills the holes is counted
    per request (`topic_list`): rendering some hundred session rows through the template engine on every visit
    cost more than the rest of the page together."""
    topics = _topic_list_shared(today)
    for topic in topics:
        topic["form_hole"] = _hole("form", topic["pk"])
        for row in topic["sessions"]:
            row["seats_hole"], row["status_hole"] = _hole("seats", row["pk"]), _hole("status", row["pk"])
    forms = {topic["pk"]: tuple(
        render_to_string("internships/_topic_interest_form.html",
                         {"url": topic["interest_url"], "interested": interested, "csrf_token": CSRF_HOLE})
        for interested in (False, True)) for topic in topics}
    return {
        "sections": render_to_string("internships/_topic_sections.html", {"topics": topics}),
        "status": {row["pk"]: row["status"] for topic in topics for row in topic["sessions"]},
        "capacity": {row["pk"]: row["capacity"] for topic in topics for row in topic["sessions"]},
        "forms": forms,
    }


def topic_list(request):
    today = timezone.localdate()
    markup = content_cache.cached(
        f"internships:topics-markup:{get_language()}:{timezone.get_current_timezone_name()}:{today.isoformat()}",
        lambda: _topic_list_markup(today))
    # Seats, queues and the person's own bookings change all the time: counted afresh, in one query.
    live = selectors.seats_and_mine(request.user, list(markup["status"]))
    interested = selectors.interest_topic_ids(request.user)
    signed_in = request.user.is_authenticated
    csrf = get_token(request) if signed_in else ""
    of, none = escape(_("of")), escape(_("none"))

    def fill(match) -> str:
        kind, pk = match.group(1), int(match.group(2))
        if kind == "form":
            if not signed_in:
                return ""
            return markup["forms"][pk][pk in interested].replace(CSRF_HOLE, csrf)
        taken, queue, mine = live.get(pk, (0, 0, ""))
        if kind == "status":
            return f"<strong>{escape(Booking.Status(mine).label)}</strong>" if mine else escape(markup["status"][pk])
        free = max(markup["capacity"][pk] - taken, 0)
        if free:
            return f"{free} {of} {markup['capacity'][pk]}"
        if queue:
            return f"{none} ({escape(ngettext('%(n)s in the queue', '%(n)s in the queue', queue) % {'n': queue})})"
        return none

    return render(request, "internships/topic_list.html", {
        "sections": mark_safe(HOLE_RE.sub(fill, markup["sections"])),  # noqa: S308 - rendered and escaped above
        "is_head": _is_head(request.user),
    })


def session_page(request, pk: int):
    try:
        shared = content_cache.cached(f"internships:session:{pk}", lambda: selectors.session_public_detail(pk))
    except Session.DoesNotExist:
        raise Http404 from None
    session = shared["session"]
    taken, session.queue_length, mine = selectors.seats_and_mine(request.user, [session.pk]).get(
        session.pk, (0, 0, ""))
    session.seats_taken = taken
    session.seats_free = max(session.capacity - taken, 0)
    staff = []
    if _is_head(request.user) and session.booking_is_open():
        staff = list(selectors.nominable_staff(request.user, session))
    return render(request, "internships/session.html", {
        "session": session, "topic": session.topic, "mentors": shared["mentors"], "quotas": shared["quotas"],
        "days": shared["days"], "mine": Booking.Status(mine).label if mine else None, "staff": staff,
        "can_request": session.booking_is_open() and not mine,
    })


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else fallback)


@login_required
@require_POST
def session_request(request, pk: int):
    session = get_object_or_404(Session, pk=pk)
    try:
        booking = services.booking_request(user=request.user, session=session)
    except services.BookingError as error:
        messages.error(request, str(error))
        return redirect("internships:session", pk=pk)
    if booking.status == Booking.Status.WAITLISTED:
        messages.info(request, _("All seats are taken: your request is in the queue. We will write when a seat "
                                 "becomes free."))
    else:
        messages.success(request, _("Your request is received. A seat is held for you while it is considered."))
    return redirect("internships:my")


@login_required
@require_POST
def session_nominate(request, pk: int):
    session = get_object_or_404(Session, pk=pk)
    person = User.objects.filter(pk=request.POST.get("user") or 0).first()
    if person is None:
        messages.error(request, _("Choose a member of your staff."))
        return redirect("internships:session", pk=pk)
    try:
        booking = services.booking_nominate(head=request.user, user=person, session=session)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is nominated: %(status)s.") % {
            "name": person.full_name, "status": booking.get_status_display().lower()})
    return redirect("internships:session", pk=pk)


@login_required
@require_POST
def topic_interest(request, pk: int):
    topic = get_object_or_404(Topic, pk=pk, is_active=True)
    try:
        if request.POST.get("withdraw"):
            services.interest_withdraw(user=request.user, topic=topic)
            messages.info(request, _("You are off the list for this topic."))
        else:
            services.interest_register(user=request.user, topic=topic)
            messages.success(request, _("We will offer you a seat when a session of this topic is dated."))
    except services.BookingError as error:
        messages.error(request, str(error))
    return redirect("internships:topics")


class ReportForm(forms.Form):
    report = forms.FileField(label=gettext_lazy("Report (PDF, DOC, DOCX, ODT, RTF or TXT, up to 10 MB)"))

    def clean_report(self):
        report = self.cleaned_data["report"]
        if report.size > MAX_REPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        extension = report.name.rsplit(".", 1)[-1].lower() if "." in report.name else ""
        if extension not in ("pdf", "doc", "docx", "odt", "rtf", "txt"):
            raise forms.ValidationError(_("Upload the report as PDF, DOC, DOCX, ODT, RTF or TXT."))
        return report


@never_cache
@login_required
def my_bookings(request):
    feed = services.calendar_feed_for(user=request.user)
    return render(request, "internships/my.html", {
        "bookings": selectors.bookings_of(request.user),
        "feed_url": request.build_absolute_uri(f"/internships/feed/{feed.token}.ics"),
        "report_form": ReportForm(), "today": timezone.localdate(),
    })


def _own_booking(request, pk: int) -> Booking:
    booking = Booking.objects.select_related("session__topic", "user").filter(pk=pk).first()
    if booking is None or booking.user_id != request.user.pk:
        raise Http404  # the same answer for someone else's booking and a missing one
    return booking


@login_required
@require_POST
def booking_cancel(request, pk: int):
    booking = _own_booking(request, pk)
    try:
        services.booking_cancel(actor=request.user, booking=booking, reason=request.POST.get("reason", "")[:500])
        messages.info(request, _("The booking is cancelled."))
    except services.BookingError as error:
        messages.error(request, str(error))
    return redirect("internships:my")


@login_required
@require_POST
def booking_confirm(request, pk: int):
    booking = _own_booking(request, pk)
    try:
        services.booking_confirm_offer(user=request.user, booking=booking)
        messages.success(request, _("The seat is yours: your request now awaits approval."))
    except services.BookingError as error:
        messages.error(request, str(error))
    return redirect("internships:my")


@login_required
@require_POST
def booking_report(request, pk: int):
    booking = _own_booking(request, pk)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("report", []):
            messages.error(request, error)
        return redirect("internships:my")
    try:
        services.booking_report_upload(user=request.user, booking=booking, upload=form.cleaned_data["report"])
        messages.success(request, _("The report is uploaded."))
    except services.BookingError as error:
        messages.error(request, str(error))
    return redirect("internships:my")


@login_required
def booking_report_download(request, pk: int):
    """The intern's report: for the intern, the session's mentors and administrators."""
    booking = Booking.objects.select_related("session__topic").filter(pk=pk).first()
    if booking is None or not booking.report:
        raise Http404
    if not (booking.user_id == request.user.pk or services.user_may_mark_attendance(request.user, booking.session)):
        raise Http404
    return FileResponse(booking.report.open("rb"), as_attachment=True,
                        filename=booking.report.name.rsplit("/", 1)[-1])


def _calendar_response(data: bytes, filename: str, method: str | None = None) -> HttpResponse:
    content_type = "text/calendar; charset=utf-8" + (f"; method={method}" if method else "")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def booking_ics(request, pk: int):
    booking = _own_booking(request, pk)
    cancelled = booking.status in (Booking.Status.CANCELLED, Booking.Status.REJECTED)
    return _calendar_response(ics.booking_invitation(booking, cancel=cancelled), f"internship-{booking.pk}.ics",
                              "CANCEL" if cancelled else "REQUEST")


def personal_feed(request, token: str):
    bookings = selectors.feed_bookings(token)
    if bookings is None:
        raise Http404
    response = _calendar_response(ics.personal_feed(bookings), "internships.ics")
    response["Cache-Control"] = "private, max-age=900"
    return response


def public_feed(request):
    response = _calendar_response(ics.public_feed(selectors.open_sessions()), "onb-internships.ics")
    response["Cache-Control"] = "public, max-age=900"
    return response


@login_required
@require_POST
def feed_renew(request):
    services.calendar_feed_renew(user=request.user)
    messages.info(request, _("The calendar address is renewed; the old one no longer works."))
    return redirect("internships:my")


@never_cache
@login_required
def staff_requests(request):
    """A library head: the internship bookings of own staff, and requests that wait for the head's decision."""
    if not _is_head(request.user):
        raise PermissionDenied
    staff_ids = staff_visible_to(request.user).values_list("pk", flat=True)
    return render(request, "internships/staff_requests.html", {
        "bookings": selectors.head_staff_bookings(request.user, staff_ids),
    })


@login_required
@require_POST
def staff_decide(request, pk: int):
    booking = get_object_or_404(Booking.objects.select_related("user", "session"), pk=pk)
    try:
        services.booking_head_decide(head=request.user, booking=booking, approve=request.POST.get("approve") == "1",
                                     reason=request.POST.get("reason", "")[:500])
        messages.success(request, _("Your decision is recorded."))
    except services.BookingError as error:
        messages.error(request, str(error))
    return redirect("internships:staff_requests")
