"""Rules of certificates: issue (idempotent, numbered without gaps), reissue with history, revoke, render."""

from __future__ import annotations

import base64
import datetime
import logging
import mimetypes
import secrets
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CoursePage, Enrolment
from lms.accounts.models import User
from lms.internships.models import Booking

from .models import Certificate, CertificateTemplate, RegistryCounter
from .russian import decline_full_name, format_date_ru, format_period_ru, hours_phrase

logger = logging.getLogger(__name__)

NUMBER_PREFIX = "ОНБ"


class CertificateError(Exception):
    """The action cannot be done; the message is Russian and safe to show."""


def verification_url(code: str) -> str:
    return settings.SITE_URL + reverse("certificates:verify", args=[code])


def _next_number(year: int) -> tuple[int, str]:
    """Take the next number of the year. Runs inside the issuing transaction: the counter row stays locked
    until it commits, and a rolled-back issue gives its number back, so the registry has no gaps."""
    RegistryCounter.objects.get_or_create(year=year)
    counter = RegistryCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"{NUMBER_PREFIX}-{year}-{counter.last_number:05d}"


def _template_for(course: CoursePage | None, kind: str | None = None) -> CertificateTemplate:
    kind = kind or (course.certificate_kind if course else CertificateTemplate.Kind.CERTIFICATE)
    template = (CertificateTemplate.objects.filter(kind=kind, is_default=True).first()
                or CertificateTemplate.objects.filter(kind=kind).first())
    if template is None:
        raise CertificateError(_("There is no certificate template of this kind."))
    return template


def _person_facts(user: User) -> dict:
    """Who the document is for, as it stands on the day of issue."""
    return {
        "full_name": user.full_name,
        "name_dative": decline_full_name(user.last_name, user.first_name, user.patronymic, case="dative"),
        "library": user.library.name if user.library_id else "",
        "position": user.position,
    }


def _course_facts(user: User, course: CoursePage, enrolment: Enrolment | None) -> dict:
    completed = enrolment.completed_at if enrolment and enrolment.completed_at else timezone.now()
    started = enrolment.created_at if enrolment else completed
    return {
        **_person_facts(user),
        "course": course.title,
        "programme": course.get_parent().title if course.get_parent() else "",
        "hours": course.academic_hours,
        "hours_phrase": hours_phrase(course.academic_hours),
        "date_from": timezone.localdate(started).isoformat(),
        "date_to": timezone.localdate(completed).isoformat(),
        "period_text": "обучение " + format_period_ru(timezone.localdate(started), timezone.localdate(completed)),
        **_validity_facts(enrolment.valid_until if enrolment else None),
    }


def _validity_facts(valid_until) -> dict:
    """Recertification: until when the completion (and so the document) is valid, frozen with the facts."""
    return {"valid_until": valid_until.isoformat() if valid_until else ""}


def _internship_facts(booking: Booking) -> dict:
    user, session = booking.user, booking.session
    topic = session.topic
    return {
        **_person_facts(user),
        "course": topic.title,
        "programme": "Стажировка в ОНБ им. В.Д. Федорова" + (f", {topic.host_department}"
                                                              if topic.host_department else ""),
        "hours": topic.academic_hours,
        "hours_phrase": hours_phrase(topic.academic_hours),
        "date_from": session.start_date.isoformat(),
        "date_to": session.end_date.isoformat(),
        "period_text": "стажировка " + format_period_ru(session.start_date, session.end_date),
        **_validity_facts(booking.valid_until),
    }


def certificate_issue_for_internship(*, booking: Booking, issued_by: User | None = None) -> Certificate:
    """Issue the note (справка) for a completed internship, once: a second call or a racing one returns the valid
    document that exists."""
    existing = Certificate.objects.filter(internship=booking, status=Certificate.Status.VALID).first()
    if existing is not None:
        return existing
    booking = Booking.objects.select_related("user__library", "session__topic").get(pk=booking.pk)
    if booking.status != Booking.Status.COMPLETED:
        raise CertificateError(_("The internship is not completed: no document can be issued."))
    try:
        with transaction.atomic():
            return _create(user=booking.user, course=None, internship=booking,
                           template=_template_for(None, CertificateTemplate.Kind.INTERNSHIP),
                           issued_by=issued_by, facts=_internship_facts(booking), valid_until=booking.valid_until)
    except IntegrityError:
        existing = Certificate.objects.filter(internship=booking, status=Certificate.Status.VALID).first()
        if existing is None:
            raise
        return existing


def certificate_issue(*, user: User, course: CoursePage, issued_by: User | None = None,
                      issued_at: datetime.datetime | None = None) -> Certificate:
    """Issue the certificate for a completed course, once per completion (its recertification cycle): a second
    call (or a racing one) returns the valid certificate that exists. The PDF is rendered by a task after commit.
    `issued_at` (default: now) is for a document of training completed before the platform kept it: its number is
    taken in that year's registry."""
    enrolment = Enrolment.objects.filter(user=user, course=course).first()
    cycle = enrolment.cycle if enrolment else 1
    existing = Certificate.objects.filter(user=user, course=course, cycle=cycle,
                                          status=Certificate.Status.VALID).first()
    if existing is not None:
        return existing
    if enrolment is None or enrolment.status != Enrolment.Status.COMPLETED:
        raise CertificateError(_("The course is not completed: no certificate can be issued."))
    if course.certificate_kind == CoursePage.CertificateKind.NONE:
        raise CertificateError(_("This course gives no document."))
    try:
        with transaction.atomic():
            return _create(user=user, course=course, template=_template_for(course), issued_by=issued_by,
                           facts=_course_facts(user, course, enrolment), valid_until=enrolment.valid_until,
                           cycle=cycle, issued_at=issued_at)
    except IntegrityError:
        existing = Certificate.objects.filter(user=user, course=course, cycle=cycle,
                                              status=Certificate.Status.VALID).first()
        if existing is None:
            raise
        return existing


def _create(*, user, course, template, issued_by, facts, internship=None, valid_until=None, cycle=1,
            issued_at=None) -> Certificate:
    now = issued_at or timezone.now()
    year = timezone.localdate(now).year
    sequence, number = _next_number(year)
    facts = {**facts, "number": number, "issued_on": format_date_ru(timezone.localdate(now)),
             "issuer": template.issuer}
    certificate = Certificate.objects.create(
        number=number, year=year, sequence=sequence, code=secrets.token_urlsafe(24), user=user, course=course,
        internship=internship, template=template, facts=facts, issued_at=now, issued_by=issued_by,
        valid_until=valid_until, cycle=cycle,
    )
    _dispatch_render(certificate)
    return certificate


def _dispatch_render(certificate: Certificate) -> None:
    from .tasks import notify_certificate_issued_task, render_certificate_pdf_task

    render_certificate_pdf_task.delay_on_commit(certificate.pk)
    notify_certificate_issued_task.delay_on_commit(certificate.pk)


def certificate_notify_issued(*, certificate_id: int) -> bool:
    """E-mail the holder the link to the new document, once."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    with transaction.atomic():
        certificate = (Certificate.objects.select_for_update(of=("self",)).select_related("user")
                       .filter(pk=certificate_id, notified_at__isnull=True).first())
        if certificate is None:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string("certificates/email/issued.txt", {
                "certificate": certificate, "user": certificate.user,
                "verify_url": verification_url(certificate.code),
                "documents_url": settings.SITE_URL + reverse("certificates:my_documents"),
            })
            subject = _("Your document «%(course)s» is ready") % {"course": certificate.facts.get("course", "")}
        send_mail(settings.EMAIL_SUBJECT_PREFIX + subject, body, None, [certificate.user.email])
        certificate.notified_at = timezone.now()
        certificate.save(update_fields=["notified_at"])
        return True


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, actor: User) -> Certificate:
    """Issue a corrected certificate (after a change of name, a correction of the course); the old one is kept,
    marked replaced, and points to the new one."""
    old = Certificate.objects.select_for_update(of=("self",)).select_related("user", "course").get(pk=certificate.pk)
    if old.status != Certificate.Status.VALID:
        raise CertificateError(_("Only a valid certificate can be reissued."))
    old.status = Certificate.Status.REPLACED
    old.save(update_fields=["status"])
    facts = old.facts
    enrolment = (Enrolment.objects.filter(user=old.user, course=old.course).first()
                 if old.course is not None else None)
    if enrolment is not None and enrolment.cycle == old.cycle:
        facts = _course_facts(old.user, old.course, enrolment)
    elif old.course is not None:
        # A document of an earlier recertification cycle: its completion is history; only the person is re-read.
        facts = {**old.facts, **_person_facts(old.user)}
    elif old.internship_id is not None:
        facts = _internship_facts(Booking.objects.select_related("user__library", "session__topic")
                                  .get(pk=old.internship_id))
    # The reissue corrects the document, not the completion: its validity and cycle stay as they were.
    facts = {**facts, **_validity_facts(old.valid_until)}
    new = _create(user=old.user, course=old.course, internship=old.internship, template=old.template,
                  issued_by=actor, facts=facts, valid_until=old.valid_until, cycle=old.cycle)
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    return new


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, actor: User) -> Certificate:
    reason = " ".join((reason or "").split())
    if not reason:
        raise CertificateError(_("Give the reason of revocation."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status != Certificate.Status.VALID:
        raise CertificateError(_("Only a valid certificate can be revoked."))
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at, certificate.revoked_by, certificate.revoked_reason = timezone.now(), actor, reason[:2000]
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoked_reason"])
    return certificate


def _lock_for_bulk(certificate_ids) -> list[Certificate]:
    """Lock the selected certificates in one order (by id), so that two bulk requests never wait on each other
    in a circle; refuse the request when one of them is gone."""
    ids = sorted({int(pk) for pk in certificate_ids})
    if not ids:
        raise CertificateError(_("Select at least one certificate."))
    certificates = list(Certificate.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    if len(certificates) != len(ids):
        raise CertificateError(_("Some of the selected certificates no longer exist. Nothing was changed."))
    return certificates


def _refusal(certificate: Certificate, error: CertificateError) -> CertificateError:
    return CertificateError(_("%(number)s: %(error)s Nothing was changed.")
                            % {"number": certificate.number, "error": error})


@transaction.atomic
def certificate_reissue_many(*, certificate_ids, actor: User) -> list[Certificate]:
    """Reissue every selected certificate, or none: the first refusal rolls the whole request back (no numbers
    are taken, no PDF rendered, nobody e-mailed) and names the certificate it stopped at."""
    reissued = []
    for certificate in _lock_for_bulk(certificate_ids):
        try:
            reissued.append(certificate_reissue(certificate=certificate, actor=actor))
        except CertificateError as error:
            raise _refusal(certificate, error) from error
    return reissued


@transaction.atomic
def certificate_revoke_many(*, certificate_ids, reason: str, actor: User) -> list[Certificate]:
    """Revoke every selected certificate with the same reason, or none (as certificate_reissue_many)."""
    if not " ".join((reason or "").split()):
        raise CertificateError(_("Give the reason of revocation."))
    revoked = []
    for certificate in _lock_for_bulk(certificate_ids):
        try:
            revoked.append(certificate_revoke(certificate=certificate, reason=reason, actor=actor))
        except CertificateError as error:
            raise _refusal(certificate, error) from error
    return revoked


@dataclass
class IssueManyResult:
    """What an administrator's issue did: the documents issued now, and those the people already held (issuing is
    idempotent, so a second request, or one racing the automatic issue, adds nothing)."""

    issued: list[Certificate] = field(default_factory=list)
    already_held: list[Certificate] = field(default_factory=list)


def _ids(values) -> list[int]:
    return sorted({int(value) for value in values})


@transaction.atomic
def certificate_issue_many(*, enrolment_ids, booking_ids, actor: User) -> IssueManyResult:
    """An administrator issues the documents of completed courses (by enrolment) and internships (by booking):
    all of them or none. The enrolments and then the bookings are locked in the order of their ids (two requests
    never wait on each other in a circle) and issued in that order through certificate_issue and
    certificate_issue_for_internship; the first refusal rolls the whole request back (no number is taken, no PDF
    rendered, nobody e-mailed) and names the person and the course or topic it stopped at."""
    enrolment_ids, booking_ids = _ids(enrolment_ids), _ids(booking_ids)
    if not enrolment_ids and not booking_ids:
        raise CertificateError(_("Select at least one person."))
    enrolments = list(Enrolment.objects.select_for_update(of=("self",)).select_related("user", "course")
                      .filter(pk__in=enrolment_ids).order_by("pk"))
    bookings = list(Booking.objects.select_for_update(of=("self",)).select_related("user", "topic")
                    .filter(pk__in=booking_ids).order_by("pk"))
    if len(enrolments) != len(enrolment_ids) or len(bookings) != len(booking_ids):
        raise CertificateError(_("Some of the selected records no longer exist. Nothing was issued."))
    held = set(Certificate.objects.filter(status=Certificate.Status.VALID)
               .filter(Q(course__in=[e.course_id for e in enrolments], user__in=[e.user_id for e in enrolments])
                       | Q(internship__in=booking_ids))
               .values_list("pk", flat=True))
    result = IssueManyResult()
    work = ([(e.user, e.course.title, lambda e=e: certificate_issue(user=e.user, course=e.course, issued_by=actor))
             for e in enrolments]
            + [(b.user, b.topic.title, lambda b=b: certificate_issue_for_internship(booking=b, issued_by=actor))
               for b in bookings])
    for person, title, issue in work:
        try:
            certificate = issue()
        except CertificateError as error:
            raise CertificateError(_("%(person)s, «%(title)s»: %(error)s Nothing was issued.")
                                   % {"person": person.full_name or person.email, "title": title,
                                      "error": error}) from error
        (result.already_held if certificate.pk in held else result.issued).append(certificate)
    return result


def qr_data_uri(url: str) -> str:
    buffer = segno.make(url, error="m").png_data_uri(scale=6, border=2)
    return buffer if buffer.startswith("data:") else "data:image/png;base64," + base64.b64encode(buffer).decode()


ISSUED_VERB = {  # the document's grammatical gender: «сертификат выдан», «удостоверение выдано», «справка выдана»
    CertificateTemplate.Kind.CERTIFICATE: "выдан",
    CertificateTemplate.Kind.QUALIFICATION: "выдано",
    CertificateTemplate.Kind.INTERNSHIP: "выдана",
}


# Rendition sizes of a template's images: enough for print at about 300 dpi (the logo is 16 mm high, a signature
# 14 mm, the background fills an A4 page), and no more, so that a large upload does not slow every render.
LOGO_SPEC = "height-200"
SIGNATURE_SPEC = "height-200"
BACKGROUND_SPEC = "max-2480x2480"


def image_src(image, spec: str) -> str:
    """How the PDF refers to a Wagtail image: a rendition's /media/… URL, which the PDF's fetcher reads from
    MEDIA_ROOT; with remote storage (S3), the rendition's bytes as a data: URI, since the fetcher never goes to
    the network. "" when there is no image or its file is missing (the document is rendered without it)."""
    if image is None:
        return ""
    try:
        rendition = image.get_rendition(spec)
    except Exception:  # noqa: BLE001 - a missing or broken file must not stop a certificate
        logger.warning("certificate image %s has no usable file", image.pk, exc_info=True)
        return ""
    url = rendition.url
    if url.startswith(settings.MEDIA_URL) and not url.startswith("//"):
        return url  # local media: the fetcher reads the file itself
    with rendition.file.open("rb") as file:
        data = file.read()
    content_type = mimetypes.guess_type(rendition.file.name)[0] or "image/png"
    return f"data:{content_type};base64," + base64.b64encode(data).decode()


def template_design(template: CertificateTemplate) -> dict:
    """The template's images and signatories as the PDF template reads them."""
    signatories = [
        {"position": position, "name": name, "signature_url": image_src(signature, SIGNATURE_SPEC)}
        for name, position, signature in (
            (template.signatory_1_name, template.signatory_1_position, template.signatory_1_signature),
            (template.signatory_2_name, template.signatory_2_position, template.signatory_2_signature),
        ) if name
    ]
    return {
        "signatories": signatories,
        "logo_url": image_src(template.logo, LOGO_SPEC),
        "background_url": image_src(template.background_image, BACKGROUND_SPEC),
    }


VALID_WORD = {  # the document's grammatical gender: «сертификат действителен», «удостоверение действительно», …
    CertificateTemplate.Kind.CERTIFICATE: "Действителен",
    CertificateTemplate.Kind.QUALIFICATION: "Действительно",
    CertificateTemplate.Kind.INTERNSHIP: "Действительна",
}


def _valid_until_text(kind: str, valid_until: str) -> str:
    """«Действителен до 3 декабря 2029 г.» from the frozen ISO date; "" for a document without expiry."""
    if not valid_until:
        return ""
    return f"{VALID_WORD.get(kind, 'Действителен')} до {format_date_ru(datetime.date.fromisoformat(valid_until))}"


def certificate_context(certificate: Certificate) -> dict:
    """What the PDF template shows: the frozen facts and the template's design; nothing read from live data."""
    template, facts = certificate.template, certificate.facts
    url = verification_url(certificate.code)
    return {
        "document_title": template.title,
        "registry_number": certificate.number,
        "issuer_name": facts.get("issuer", template.issuer),
        "issued_verb": ISSUED_VERB.get(template.kind, "выдан"),
        "recipient_name": facts.get("name_dative", ""),
        "recipient_details": ", ".join(part for part in (facts.get("library"), facts.get("position")) if part),
        "achievement_text": template.body_text,
        "course_title": facts.get("course", ""),
        "programme_title": facts.get("programme", ""),
        "hours_text": "в объёме " + facts.get("hours_phrase", ""),
        "period_text": facts.get("period_text", ""),
        "valid_until_text": _valid_until_text(template.kind, facts.get("valid_until", "")),
        "issue_place": template.place,
        "issue_date_text": facts.get("issued_on", ""),
        "qr_data_uri": qr_data_uri(url),
        "verification_url": url,
        # what the text under the QR code gives: the short check page, where the registry number is typed in
        "lookup_url": settings.SITE_URL + reverse("certificates:lookup"),
        "orientation": template.orientation,
        **template_design(template),
    }


def certificate_render_pdf(*, certificate: Certificate) -> Certificate:
    """Render the PDF from the frozen facts and store it (private media)."""
    from .pdf import render_pdf

    data = render_pdf("certificates/pdf/base.html", certificate_context(certificate))
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(data), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return certificate
