"""What the platform holds about a person (Federal Law 152-ФЗ): the export as JSON and as a readable PDF.

It reads across every app, so it lives here, the lowest layer that sees them all. `personal_data_collect` reads
everything in a fixed number of queries, whatever the amount of data, and returns sections of rows; the JSON and
the PDF are two renderings of the same sections.

Every relation of the user model (and of the records a person owns) is either read here (COVERED) or left out on
purpose with the reason (EXCLUDED); tests/certificates/test_personal_data.py walks the models and fails on a
relation that is in neither, so a new model cannot be forgotten.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Comment, CommentReply
from wagtail.users.models import UserProfile

from courses.models import (
    CourseTrainer,
    Enrolment,
    EnrolmentNotice,
    ExternalTraining,
    LessonCompletion,
    ManualCompletion,
    StaffNotice,
)
from courses.models import H5PResult, ScormAttempt, ScormScoState, XAPIStatement
from courses.quizzes.models import Attempt, QuizOverride
from courses.quizzes.review import ReviewOptions, review_item
from lms.accounts.models import Invitation, NotificationPreference, StaffImport
from lms.accounts.roles import user_roles
from lms.internships.models import (
    Booking,
    CalendarFeed,
    Interest,
    Requirement,
    Session,
    Topic,
)

from .models import Certificate, PersonalDataErasure

# (model label, field name) -> the section that shows it.
COVERED = {
    ("accounts.User", "*"): "account",
    ("account.EmailAddress", "user"): "account",
    ("wagtailusers.UserProfile", "user"): "account",
    ("accounts.Invitation", "user"): "invitations",
    ("courses.Enrolment", "user"): "enrolments",
    ("courses.LessonCompletion", "enrolment"): "enrolments",
    ("courses.EnrolmentNotice", "enrolment"): "notices",
    ("courses.Attempt", "user"): "attempts",
    ("courses.AttemptRegrade", "attempt"): "attempts",
    ("courses.ExternalTraining", "user"): "external_training",
    ("courses.StaffNotice", "recipient"): "notices",
    ("accounts.NotificationPreference", "user"): "account",
    ("courses.ManualCompletion", "enrolment"): "enrolments",
    ("courses.CourseCompletion", "user"): "enrolments",
    ("courses.CourseCompletion", "enrolment"): "enrolments",
    ("courses.QuizOverride", "user"): "attempts",
    ("courses.ScormAttempt", "user"): "interactive",
    ("courses.ScormScoState", "attempt"): "interactive",
    ("courses.ScormInteraction", "state"): "interactive",
    ("courses.H5PResult", "user"): "interactive",
    ("courses.XAPIStatement", "user"): "interactive",
    ("courses.CourseTrainer", "user"): "roles_held",
    ("internships.Booking", "user"): "internships",
    ("internships.BookingEvent", "booking"): "internships",
    ("internships.Attendance", "booking"): "internships",
    ("internships.Notice", "booking"): "notices",
    ("internships.Interest", "user"): "internships",
    ("internships.CalendarFeed", "user"): "internships",
    ("internships.Requirement", "people"): "internships",
    ("internships.Topic", "mentors"): "roles_held",
    ("internships.Session", "mentors"): "roles_held",
    ("certificates.Certificate", "user"): "certificates",
    ("certificates.Certificate", "internship"): "certificates",
    ("certificates.PersonalDataErasure", "person"): "account",
    ("accounts.StaffImport", "rows"): "staff_imports",   # matched by e-mail inside the uploaded list's rows
    ("accounts.StaffImport", "created_by"): "staff_imports",
    ("wagtailcore.Comment", "user"): "comments",
    ("wagtailcore.CommentReply", "user"): "comments",
}

_STAFF_WORK = "a mark of who did a piece of staff work on other people's records; shown with those records"
_AUTHORING = "authorship of site content in the admin (pages, files, revisions); the content is the library's"
_ADMIN_STATE = "the admin's working state (open editors, saved form state, subscriptions, access tokens)"
EXCLUDED = {
    ("courses.Enrolment", "decided_by"): _STAFF_WORK,
    ("courses.AssignmentRule", "created_by"): _STAFF_WORK,
    ("courses.Question", "created_by"): _AUTHORING,
    ("courses.ScormPackage", "uploaded_by"): _AUTHORING,
    ("courses.H5PContent", "uploaded_by"): _AUTHORING,
    ("courses.AttemptRegrade", "regraded_by"): _STAFF_WORK,
    ("courses.ExternalTraining", "created_by"): _STAFF_WORK + " (the person's own entries are exported in full)",
    ("courses.ExternalTraining", "decided_by"): _STAFF_WORK,
    ("courses.ManualCompletion", "completed_by"): _STAFF_WORK,
    ("internships.Booking", "created_by"): _STAFF_WORK,
    ("internships.Booking", "evaluated_by"): _STAFF_WORK,
    ("internships.BookingEvent", "actor"): _STAFF_WORK,
    ("internships.Attendance", "marked_by"): _STAFF_WORK,
    ("internships.Interest", "booking"): "the booking itself is exported with the person's internships",
    ("accounts.Invitation", "invited_by"): _STAFF_WORK,
    ("certificates.Certificate", "issued_by"): _STAFF_WORK,
    ("certificates.Certificate", "revoked_by"): _STAFF_WORK,
    ("certificates.PersonalDataErasure", "erased_by"): _STAFF_WORK,
    ("wagtaildocs.Document", "uploaded_by_user"): _AUTHORING,
    ("wagtailimages.Image", "uploaded_by_user"): _AUTHORING,
    ("wagtailcore.UploadedFile", "uploaded_by_user"): _AUTHORING,
    ("wagtailcore.Revision", "user"): _AUTHORING,
    ("wagtailcore.ModelLogEntry", "user"): _AUTHORING,
    ("wagtailcore.PageLogEntry", "user"): _AUTHORING,
    ("wagtailcore.WorkflowState", "requested_by"): _AUTHORING,
    ("wagtailcore.TaskState", "finished_by"): _AUTHORING,
    ("wagtailcore.Comment", "resolved_by"): _STAFF_WORK,
    ("certificates.Certificate", "replaced_by"): "a link between two documents of the same person, both exported",
    ("wagtailcore.CommentReply", "comment"): "other people's replies are theirs; the person's own are exported",
    ("account.EmailConfirmation", "email_address"): "one-time confirmation keys, secret; the address is exported",
    ("admin.LogEntry", "user"): "Django's own admin is not used by people; its log stays empty",
    ("wagtailadmin.EditingSession", "user"): _ADMIN_STATE,
    ("wagtailadmin.FormState", "user"): _ADMIN_STATE,
    ("wagtailcore.PageSubscription", "user"): _ADMIN_STATE,
    ("wagtailcore.APIToken", "user"): _ADMIN_STATE,
    ("*Page", "owner"): _AUTHORING,
    ("*Page", "locked_by"): _AUTHORING,
}


# The notices' stored kinds, in words (the e-mails' subjects say the same).
COURSE_NOTICES = {
    "enrolled": gettext_lazy("Enrolled in the course"), "requested": gettext_lazy("Enrolment request received"),
    "approved": gettext_lazy("Enrolment request approved"), "rejected": gettext_lazy("Enrolment request declined"),
    "assigned": gettext_lazy("Course assigned"), "due_7": gettext_lazy("Reminder: a week to the due date"),
    "due_1": gettext_lazy("Reminder: a day to the due date"), "overdue": gettext_lazy("The course is overdue"),
    "completed": gettext_lazy("Course completed"),
    "reopened": gettext_lazy("Course open again for recertification"),
}
INTERNSHIP_NOTICES = {
    "requested": gettext_lazy("Internship request received"), "approved": gettext_lazy("Internship seat approved"),
    "queued": gettext_lazy("Placed in the internship queue"), "offered": gettext_lazy("Internship seat offered"),
    "rejected": gettext_lazy("Internship request declined"), "cancelled": gettext_lazy("Internship booking cancelled"),
    "session_cancelled": gettext_lazy("Internship session cancelled"),
    "changed": gettext_lazy("Internship session changed"),
    "reminder_7": gettext_lazy("Reminder: a week to the internship"),
    "reminder_1": gettext_lazy("Reminder: a day to the internship"),
    "completed": gettext_lazy("Internship completed"),
}


# The frozen facts of a document, in the order a reader expects them (the raw dates and hours repeat these).
CERTIFIED_FACTS = {
    "full_name": gettext_lazy("Issued to"), "name_dative": gettext_lazy("Name on the document"),
    "position": gettext_lazy("Position"), "library": gettext_lazy("Library"), "course": gettext_lazy("Course"),
    "programme": gettext_lazy("Programme"), "hours_phrase": gettext_lazy("Academic hours"),
    "period_text": gettext_lazy("Period"), "issued_on": gettext_lazy("Date of issue"),
    "issuer": gettext_lazy("Issuer"),
}


@dataclass
class Section:
    key: str
    title: str
    rows: list[dict] = field(default_factory=list)


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(moment) if moment else None


def personal_data_collect(*, user) -> list[Section]:
    """Every section of what the platform holds about `user`; a fixed number of queries (see the module's note)."""
    User = get_user_model()
    person = User.objects.select_related("library", "library__municipality").get(pk=user.pk)
    profile = UserProfile.objects.filter(user_id=person.pk).first()
    erasures = list(PersonalDataErasure.objects.filter(person_id=person.pk))
    account = Section("account", _("Account and profile"), [{
        _("E-mail"): person.email, _("Surname"): person.last_name, _("First name"): person.first_name,
        _("Patronymic"): person.patronymic, _("Position"): person.position,
        _("Library"): person.library.name if person.library_id else "",
        _("Roles"): ", ".join(sorted(str(role.label) for role in _roles(person))),
        _("Account active"): person.is_active, _("Registered"): _local(person.date_joined),
        _("Last log-in"): _local(person.last_login),
        _("Consent to personal data processing given"): _local(person.personal_data_consent_at),
        _("Consent text version"): person.personal_data_consent_version,
        _("Admin interface language"): profile.preferred_language if profile else "",
        _("Profile picture uploaded"): bool(profile and profile.avatar),
    }])
    account.rows += [{_("E-mail address"): address.email, _("Confirmed"): address.verified,
                      _("Primary"): address.primary}
                     for address in EmailAddress.objects.filter(user_id=person.pk).order_by("pk")]
    account.rows += [{_("Personal data anonymised"): _local(erasure.erased_at)} for erasure in erasures]
    preference = NotificationPreference.objects.filter(user_id=person.pk).first()
    if preference is not None:  # no row: every kind is on, nothing was chosen
        account.rows.append({str(kind.label): getattr(preference, kind.value) for kind in NotificationPreference.Kind})

    invitations = Section("invitations", _("Invitations"), [
        {_("Created"): _local(item.created_at), _("Sent"): _local(item.sent_at),
         _("Valid until"): _local(item.expires_at), _("Accepted"): _local(item.accepted_at)}
        for item in Invitation.objects.filter(user_id=person.pk).order_by("created_at", "pk")])

    enrolment_rows, notice_rows = [], []
    enrolments = (Enrolment.objects.filter(user_id=person.pk).select_related("course")
                  .prefetch_related(Prefetch("completions", queryset=LessonCompletion.objects.select_related("lesson"),
                                             to_attr="studied"),
                                    Prefetch("notices", queryset=EnrolmentNotice.objects.order_by("created_at", "pk"),
                                             to_attr="sent_notices"),
                                    Prefetch("manual_completions", queryset=ManualCompletion.objects.order_by("pk"),
                                             to_attr="marked_by_hand"),
                                    Prefetch("past_completions", to_attr="earlier"))
                  .order_by("created_at", "pk"))
    for enrolment in enrolments:
        enrolment_rows.append({
            _("Course"): enrolment.course.title, _("Status"): enrolment.get_status_display(),
            _("Source"): enrolment.get_source_display(), _("Enrolled"): _local(enrolment.created_at),
            _("Due date"): enrolment.due_date, _("Completed"): _local(enrolment.completed_at),
            _("Validity"): enrolment.valid_until,
            _("Earlier completions (recertification)"): "; ".join(
                f"{date_format(_local(c.completed_at), 'DATETIME_FORMAT')}"
                + (f" — {date_format(c.valid_until, 'DATE_FORMAT')}" if c.valid_until else "")
                for c in enrolment.earlier),
            _("Progress, %"): enrolment.progress_percent, _("Last activity"): _local(enrolment.last_activity_at),
            _("Lessons studied"): "; ".join(
                f"{c.lesson.title} ({date_format(_local(c.completed_at), 'DATETIME_FORMAT')})"
                for c in sorted(enrolment.studied, key=lambda c: (c.completed_at, c.pk))),
            _("Marked complete by an administrator"): "; ".join(
                f"{date_format(_local(m.completed_at), 'DATETIME_FORMAT')}: {m.reason}" for m in enrolment.marked_by_hand),
        })
        notice_rows += [{_("About"): enrolment.course.title, _("Kind"): str(COURSE_NOTICES.get(notice.kind, "")),
                         _("Created"): _local(notice.created_at), _("Sent"): _local(notice.sent_at)}
                        for notice in enrolment.sent_notices]

    attempts = Section("attempts", _("Quiz attempts"))
    for attempt in (Attempt.objects.filter(user_id=person.pk).select_related("quiz")
                    .prefetch_related("regrades").order_by("started_at", "pk")):
        attempts.rows.append({
            _("Quiz"): attempt.quiz.title, _("Attempt"): attempt.number, _("Status"): attempt.get_status_display(),
            _("Started"): _local(attempt.started_at), _("Submitted"): _local(attempt.submitted_at),
            _("Marks"): f"{attempt.marks} / {attempt.max_marks}" if attempt.marks is not None else "",
            _("Passed"): attempt.passed if attempt.passed is not None else "",
            _("Answers"): _answers_text(attempt),
            _("Regraded"): "; ".join(f"{date_format(_local(r.regraded_at), 'DATETIME_FORMAT')}: "
                                     f"{r.old_marks} → {r.new_marks}" for r in attempt.regrades.all()),
        })
    attempts.rows += [{_("Quiz"): item.quiz.title, _("Extra minutes"): item.extra_minutes,
                       _("Extra attempts"): item.extra_attempts}
                      for item in QuizOverride.objects.filter(user_id=person.pk).select_related("quiz")]

    interactive = _interactive_lessons(person)

    internships = Section("internships", _("Internships"))
    bookings = (Booking.objects.filter(user_id=person.pk).select_related("session", "topic")
                .prefetch_related("events", "attendance", "notices").order_by("created_at", "pk"))
    for booking in bookings:
        internships.rows.append({
            _("Internship topic"): booking.topic.title,
            _("Dates"): f"{date_format(booking.session.start_date)} — {date_format(booking.session.end_date)}",
            _("Status"): booking.get_status_display(), _("Requested"): _local(booking.created_at),
            _("Reason"): booking.reason, _("Report uploaded"): _local(booking.report_uploaded_at),
            _("Mentor's evaluation"): booking.get_evaluation_display(),
            _("Mentor's comment"): booking.evaluation_comment, _("Completed"): _local(booking.completed_at),
            _("Attendance"): "; ".join(f"{date_format(day.day)}: {day.get_mark_display()}"
                                        for day in booking.attendance.all()),
            _("History"): "; ".join(f"{date_format(_local(e.at), 'DATETIME_FORMAT')}: {e.to_label}"
                                    for e in booking.events.all()),
        })
        notice_rows += [{_("About"): booking.topic.title,
                         _("Kind"): str(INTERNSHIP_NOTICES.get(notice.kind, "")),
                         _("Created"): _local(notice.created_at), _("Sent"): _local(notice.sent_at)}
                        for notice in booking.notices.all()]
    internships.rows += [{_("Waiting for dates of"): interest.topic.title, _("Since"): _local(interest.created_at)}
                         for interest in Interest.objects.filter(user_id=person.pk).select_related("topic")]
    internships.rows += [{_("Personal calendar address created"): _local(feed.created_at)}
                         for feed in CalendarFeed.objects.filter(user_id=person.pk)]
    internships.rows += [{_("Named in the requirement"): requirement.title, _("Due date"): requirement.due_date}
                         for requirement in Requirement.objects.filter(people=person.pk).order_by("title")]

    certificates = Section("certificates", _("Documents issued (registry)"), [
        {_("Registry number"): item.number, _("Status"): item.get_status_display(),
         _("Issued"): _local(item.issued_at), _("Revoked"): _local(item.revoked_at),
         **{str(label): item.facts[key] for key, label in CERTIFIED_FACTS.items() if item.facts.get(key)}}
        for item in Certificate.objects.filter(user_id=person.pk).order_by("issued_at", "pk")])

    roles_held = Section("roles_held", _("Work as trainer or mentor"))
    roles_held.rows += [{_("Trainer of the course"): item.course.title}
                        for item in CourseTrainer.objects.filter(user_id=person.pk).select_related("course")]
    roles_held.rows += [{_("Mentor of the topic"): topic.title}
                        for topic in Topic.objects.filter(mentors=person.pk).order_by("title")]
    roles_held.rows += [{_("Mentor of the session"): f"{session.topic.title}, {date_format(session.start_date)}"}
                        for session in Session.objects.filter(mentors=person.pk).select_related("topic")]

    staff_imports = Section("staff_imports", _("Staff lists that named you"))
    for item in staff_imports_concerning(person.email).order_by("created_at", "pk"):
        staff_imports.rows += [{_("Uploaded"): _local(item.created_at), _("File"): item.file_name,
                                _("Line"): row.get("line"), _("Status"): item.get_status_display(),
                                _("Data in the list"): ", ".join(
                                    str(row.get(key)) for key in ("last_name", "first_name", "patronymic",
                                                                  "position") if row.get(key))}
                               for row in item.rows if _row_is_of(row, person.email)]
    staff_imports.rows += [{_("List you uploaded"): item.file_name, _("Uploaded"): _local(item.created_at)}
                           for item in StaffImport.objects.filter(created_by_id=person.pk).order_by("created_at")]

    comments = Section("comments", _("Comments in the admin"))
    comments.rows += [{_("Comment"): item.text, _("Written"): _local(item.created_at)}
                      for item in Comment.objects.filter(user_id=person.pk).order_by("created_at")]
    comments.rows += [{_("Reply"): item.text, _("Written"): _local(item.created_at)}
                      for item in CommentReply.objects.filter(user_id=person.pk).order_by("created_at")]

    external = Section("external_training", _("Training in other organisations"), [
        {_("Training"): item.title, _("Organisation"): item.organisation, _("Academic hours"): item.academic_hours,
         _("Dates"): item.period_text,
         _("Status"): item.get_status_display(), _("Reason for rejection"): item.rejection_reason,
         _("Recorded"): _local(item.created_at), _("Decided"): _local(item.decided_at),
         _("Scanned document attached"): bool(item.document)}
        for item in ExternalTraining.objects.filter(user_id=person.pk).order_by("starts_on", "pk")])

    notice_rows += [{_("About"): str(NotificationPreference.Kind(notice.kind).label)
                     if notice.kind in NotificationPreference.Kind.values else notice.kind,
                     _("Kind"): _("A call to act"), _("Created"): _local(notice.created_at), _("Sent"): _local(notice.sent_at)}
                    for notice in StaffNotice.objects.filter(recipient_id=person.pk).order_by("created_at", "pk")]
    notices = Section("notices", _("Notices sent to you"), notice_rows)
    return [account, invitations, Section("enrolments", _("Courses"), enrolment_rows), attempts, interactive,
            internships, external, certificates, notices, staff_imports, roles_held, comments]


def _number(value) -> str:
    return format(value.normalize(), "f")  # 2.0000 -> «2», 2.5000 -> «2.5»


def _interactive_lessons(person) -> Section:
    """SCORM attempts (each SCO's saved place, time and answers) and H5P tasks (results and the statements kept)."""
    section = Section("interactive", _("Interactive lessons (SCORM, H5P)"))
    states = Prefetch("sco_states", queryset=ScormScoState.objects.prefetch_related("interactions").order_by("pk"))
    for attempt in (ScormAttempt.objects.filter(user_id=person.pk).select_related("lesson")
                    .prefetch_related(states).order_by("started_at", "pk")):
        section.rows.append({
            _("Lesson"): attempt.lesson.title, _("Attempt"): attempt.number,
            _("Status"): f"{attempt.get_completion_status_display()}, {attempt.get_success_status_display()}",
            _("Score, %"): attempt.score_percent if attempt.score_percent is not None else "",
            _("Time, minutes"): round(attempt.total_seconds / 60), _("Started"): _local(attempt.started_at),
            _("Last saved"): _local(attempt.updated_at), _("Lesson studied"): _local(attempt.satisfied_at),
            _("Saved place and answers"): "; ".join(
                f"{state.sco}: {state.location or '—'}"
                + "".join(f", {item.identifier} = {item.learner_response} ({item.result})"
                          for item in state.interactions.all())
                for state in attempt.sco_states.all()),
        })
    section.rows += [{_("Lesson"): result.lesson.title, _("H5P task"): result.content.title,
                      _("Score"): f"{_number(result.score)} / {_number(result.max_score)}", _("Completed"): _local(result.completed_at)}
                     for result in H5PResult.objects.filter(user_id=person.pk).select_related("lesson", "content")
                     .order_by("completed_at", "pk")]
    section.rows += [{_("Lesson"): item.lesson.title, _("H5P task"): item.content.title,
                      _("Statement"): item.verb.rsplit("/", 1)[-1],
                      _("Score"): (f"{_number(item.score_raw)} / {_number(item.score_max)}"
                                   if item.score_raw is not None and item.score_max is not None else ""),
                      _("Stored"): _local(item.stored_at)}
                     for item in XAPIStatement.objects.filter(user_id=person.pk).select_related("lesson", "content")
                     .order_by("stored_at", "pk")]
    return section


def _roles(person):
    from lms.accounts.roles import Role

    return [Role(role) for role in user_roles(person)]


def staff_imports_concerning(email: str):
    """Staff lists whose rows or plan name the address (one query; the rows are checked again by the caller)."""
    return StaffImport.objects.filter(Q(rows__icontains=email) | Q(plan__icontains=email))


def _row_is_of(row, email: str) -> bool:
    return isinstance(row, dict) and str(row.get("email", "")).lower() == email.lower()


def _answers_text(attempt: Attempt) -> str:
    """Each question served with the person's answer in words, as the attempt's review shows them."""
    show = ReviewOptions(responses=True)
    parts = []
    for index in range(len(attempt.questions or [])):
        item = review_item(attempt, index, index + 1, show, fold_yo=attempt.quiz.fold_yo)
        if item.kind == "description":
            continue
        if item.rows:
            given = "; ".join(f"{strip_tags(row.left)} → {row.chosen}" for row in item.rows if row.chosen)
        else:
            given = ", ".join(strip_tags(choice) for choice in item.chosen) or item.typed
        parts.append(f"{item.number}. {' '.join(strip_tags(item.text).split())} — {given or _('no answer')}")
    return "\n".join(parts)


# --- renderings ---------------------------------------------------------------------------------------------------

def _json_value(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def personal_data_json(*, user) -> str:
    sections = personal_data_collect(user=user)
    data = {
        _("Formed"): timezone.localtime().isoformat(),
        **{section.title: [{key: _json_value(value) for key, value in row.items()} for row in section.rows]
           for section in sections},
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _text_value(value) -> str:
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return "" if value is None else str(value)


def personal_data_pdf(*, user) -> bytes:
    from .pdf import render_pdf

    sections = [Section(s.key, s.title, [[(key, _text_value(value)) for key, value in row.items()
                                          if _text_value(value) != ""] for row in s.rows])
                for s in personal_data_collect(user=user)]
    return render_pdf("certificates/pdf/personal_data.html", {
        "person": user, "sections": sections, "formed": timezone.localtime()})
