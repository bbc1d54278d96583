"""Reads for the learning pages; each returns what a page needs in a fixed number of queries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page, Site

from lms import content_cache
from lms.accounts.models import User
from lms.fixed_queries import FixedQuery
from lms.libraries.selectors import evbk_participation

from .hours import HoursQuota, current_programme, hours_by_year, hours_quota
from .models import (
    CourseModulePage,
    CoursePage,
    CourseTrainer,
    Enrolment,
    LessonCompletion,
    LessonPage,
)

Status = Enrolment.Status


def catalogue_key(programme, *, format: str = "", audience: str = "", open_only: bool = False, query: str = "") -> str:
    """What a catalogue listing without free-text search depends on: the filters, and the day when «open for
    enrolment» is asked."""
    day = timezone.localdate().isoformat() if open_only else ""
    digest = hashlib.blake2b(audience.encode(), digest_size=8).hexdigest()
    return f"{programme.pk}:{format}:{digest}:{day}"


def catalogue_courses(
    programme, *, format: str = "", audience: str = "", open_only: bool = False, query: str = ""
) -> list[CoursePage]:
    """Live public courses of the programme with the filters. Without a free-text search the list is published
    content, the same for everyone: kept in the content cache."""
    if query:
        return _catalogue_courses(programme, format=format, audience=audience, open_only=open_only, query=query)
    key = catalogue_key(programme, format=format, audience=audience, open_only=open_only)
    return content_cache.cached(f"catalogue:{key}", lambda: _catalogue_courses(
        programme, format=format, audience=audience, open_only=open_only))


def _catalogue_courses(
    programme, *, format: str = "", audience: str = "", open_only: bool = False, query: str = ""
) -> list[CoursePage]:
    courses = CoursePage.objects.live().public().child_of(programme).select_related("cover_image")
    if format:
        courses = courses.filter(format=format)
    if audience:
        courses = courses.filter(audience=audience)
    if open_only:
        today = timezone.localdate()
        courses = courses.exclude(enrolment_policy=CoursePage.Policy.ASSIGNED).filter(
            Q(enrolment_opens__isnull=True) | Q(enrolment_opens__lte=today),
            Q(enrolment_closes__isnull=True) | Q(enrolment_closes__gte=today),
        )
    courses = courses.order_by("path")
    if query:
        # Wagtail search (PostgreSQL full text in Russian in production); results keep the filters above.
        return list(courses.search(query, operator="and"))
    return list(courses)


def catalogue_audiences(programme) -> list[str]:
    return content_cache.cached(f"audiences:{programme.pk}", lambda: list(CoursePage.objects.live().child_of(programme).exclude(audience="")
                .order_by("audience").values_list("audience", flat=True).distinct()))


_ENROLMENT = FixedQuery(lambda user_id, course_id: Enrolment.objects.filter(user_id=user_id, course_id=course_id)
                        .order_by(), 2)
_STUDIED = FixedQuery(lambda enrolment_id: LessonCompletion.objects.filter(enrolment_id=enrolment_id)
                      .values_list("lesson_id"), 1)


def enrolment_for(user: User, course_id: int) -> Enrolment | None:
    """The person's enrolment in one course (the course, lesson and quiz pages: a query whose SQL is built once)."""
    if not user.is_authenticated:
        return None
    found = _ENROLMENT.instances(user.pk, course_id)
    return found[0] if found else None


def enrolments_by_course(user: User, course_ids) -> dict[int, Enrolment]:
    if not user.is_authenticated:
        return {}
    return {e.course_id: e for e in Enrolment.objects.filter(user=user, course_id__in=list(course_ids)).order_by()}


@dataclass
class SyllabusModule:
    page: CourseModulePage | None
    lessons: list[LessonPage] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(item.estimated_minutes or 0 for item in self.lessons)


def lesson_course(lesson) -> CoursePage | None:
    """The course a lesson or quiz belongs to (published structure: kept in the content cache)."""
    return content_cache.cached(f"lesson-course:{lesson.pk}", lambda: CoursePage.objects.ancestor_of(lesson).first())


def page_parent(page) -> Page | None:
    """The parent of a published page, for breadcrumbs (kept in the content cache)."""
    return content_cache.cached(f"parent:{page.pk}", lambda: page.get_parent())


def course_syllabus(course: CoursePage) -> list[SyllabusModule]:
    """Modules with their live lessons and quizzes, everything in the order of the page tree; lessons and quizzes
    placed directly in the course form unnamed groups where they stand. Published content, the same for everyone:
    kept in the content cache (3 queries when it is not there)."""
    return content_cache.cached(f"syllabus:{course.pk}", lambda: _course_syllabus(course))


def _course_syllabus(course: CoursePage) -> list[SyllabusModule]:
    from .models import QuizPage, ScormLessonPage

    modules = {m.path: SyllabusModule(page=m) for m in CourseModulePage.objects.live().child_of(course)}
    items = list(LessonPage.objects.live().descendant_of(course).defer_streamfields())
    items += list(QuizPage.objects.live().descendant_of(course))
    items += list(ScormLessonPage.objects.live().descendant_of(course).defer("intro"))
    direct_depth = course.depth + 1
    entries = sorted([*modules.items(), *((item.path, item) for item in items if item.depth == direct_depth)],
                     key=lambda pair: pair[0])
    result: list[SyllabusModule] = []
    for _path, entry in entries:
        if isinstance(entry, SyllabusModule):
            result.append(entry)
        elif result and result[-1].page is None:
            result[-1].lessons.append(entry)
        else:
            result.append(SyllabusModule(page=None, lessons=[entry]))
    for item in sorted((item for item in items if item.depth > direct_depth), key=lambda page: page.path):
        module = modules.get(item.path[: -LessonPage.steplen])
        if module is not None:
            module.lessons.append(item)
    return [group for group in result if group.lessons]


@dataclass(frozen=True)
class PageLink:
    pk: int
    title: str
    url: str


@dataclass(frozen=True)
class LessonNavigation:
    """Where a lesson (or quiz) stands in its course, with the addresses the page links to."""

    course_url: str
    previous: PageLink | None
    next: PageLink | None
    position: int  # «урок 2 из 6» counts lessons; quizzes are in the previous/next navigation only
    lesson_count: int


def lesson_navigation(request, lesson, course: CoursePage) -> LessonNavigation:
    """Published structure, the same for everyone on a site: kept in the content cache per site and lesson (the
    addresses are the ones this site gives), so a lesson page neither unpickles the syllabus nor builds URLs."""
    site = Site.find_for_request(request)  # the request's site, as the addresses are made for it

    def build() -> LessonNavigation:
        ordered = [item for module in course_syllabus(course) for item in module.lessons]
        index = next((i for i, item in enumerate(ordered) if item.pk == lesson.pk), 0)

        def link(item) -> PageLink | None:
            return PageLink(item.pk, item.title, item.get_url(request)) if item is not None else None

        return LessonNavigation(
            course_url=course.get_url(request),
            previous=link(ordered[index - 1] if index > 0 else None),
            next=link(ordered[index + 1] if index + 1 < len(ordered) else None),
            # SCORM lessons are lessons too (is_quiz False)
            position=sum(1 for item in ordered[: index + 1] if not getattr(item, "is_quiz", False)),
            lesson_count=sum(1 for item in ordered if not getattr(item, "is_quiz", False)),
        )

    if getattr(request, "is_preview", False):
        return build()  # a draft may stand where nothing published does: never kept
    return content_cache.cached(f"lesson-nav:{site.pk if site else ''}:{lesson.pk}", build)


def course_trainer_names(course: CoursePage) -> list[str]:
    """The trainers' full names shown on the course page (names only: kept in the content cache; a change of the
    course's trainers starts a new generation, a renamed account shows within the cache's time)."""
    return content_cache.cached(f"trainer-names:{course.pk}", lambda: [
        link.user.full_name for link in CourseTrainer.objects.filter(course=course).select_related("user")
        .order_by("user__last_name")])


def completed_lesson_ids(enrolment: Enrolment | None) -> set[int]:
    if enrolment is None:
        return set()
    return {lesson_id for (lesson_id,) in _STUDIED.rows(enrolment.pk)}


@dataclass
class Dashboard:
    assigned: list[Enrolment]
    in_progress: list[Enrolment]
    requested: list[Enrolment]
    completed: list[Enrolment]
    hours_this_year: int  # courses and internships alike: courses/hours.py
    next_courses: list[CoursePage]
    quota: HoursQuota | None = None


ASSIGNED_SOURCES = (Enrolment.Source.MANDATORY, Enrolment.Source.ADMIN, Enrolment.Source.COHORT)


# What a link to a page needs (pageurl: the address within its site, and the locale when several languages are on).
DASHBOARD_PAGE_FIELDS = ("title", "url_path", "path", "depth", "locale_id", "live", "content_type_id")


def courses_to_suggest() -> list[CoursePage]:
    """Live public courses one may ask to join (not only assigned), in the order of the page tree, with what a
    suggestion shows: published content, the same for everyone, kept in the content cache (each person's
    dashboard leaves out what they already take)."""
    return content_cache.cached("courses-to-suggest", lambda: list(
        CoursePage.objects.live().public().exclude(enrolment_policy=CoursePage.Policy.ASSIGNED)
        .only(*DASHBOARD_PAGE_FIELDS, "summary").order_by("path")))


def learner_dashboard(user: User, *, today: date | None = None, suggestions: int = 3) -> Dashboard:
    today = today or timezone.localdate()
    enrolments = list(
        Enrolment.objects.filter(user=user, status__in=(Status.REQUESTED, Status.ACTIVE, Status.COMPLETED))
        .select_related("course", "last_lesson").order_by("due_date", "-created_at")
        # the page shows titles, hours and links: of the course and the last lesson only those columns are read (a
        # page's dozens of columns made building the rows cost more than the query)
        .only(*(f.attname for f in Enrolment._meta.concrete_fields if not f.is_relation), "user_id", "course_id",
              "last_lesson_id", *(f"course__{name}" for name in DASHBOARD_PAGE_FIELDS), "course__academic_hours",
              *(f"last_lesson__{name}" for name in DASHBOARD_PAGE_FIELDS))
    )
    active = [e for e in enrolments if e.status == Status.ACTIVE]
    assigned = [e for e in active if e.source in ASSIGNED_SOURCES]
    completed = sorted((e for e in enrolments if e.status == Status.COMPLETED),
                       key=lambda e: e.completed_at, reverse=True)
    by_year = hours_by_year(user)
    taken = {e.course_id for e in enrolments}
    next_courses = [c for c in courses_to_suggest() if c.pk not in taken][:suggestions]
    return Dashboard(
        assigned=assigned,
        in_progress=[e for e in active if e.source not in ASSIGNED_SOURCES],
        requested=[e for e in enrolments if e.status == Status.REQUESTED],
        completed=completed,
        hours_this_year=by_year.get(today.year, 0),
        next_courses=next_courses,
        quota=hours_quota(by_year, current_programme(), today=today),
    )


def course_learners(course: CoursePage) -> QuerySet[Enrolment]:
    """Learners of a course for trainers and administrators, with their library."""
    return (Enrolment.objects.filter(course=course)
            .select_related("user", "user__library", "user__library__municipality", "course")
            .order_by("user__last_name", "user__first_name"))


def courses_managed_by(user: User) -> QuerySet[CoursePage]:
    courses = CoursePage.objects.all().order_by("path")
    if user.is_superuser or user.has_perm("courses.change_enrolment"):
        return courses
    return courses.filter(trainer_links__user=user)


def course_statistics(course: CoursePage) -> dict:
    counts = Enrolment.objects.filter(course=course).aggregate(
        total=Count("pk"), active=Count("pk", filter=Q(status=Status.ACTIVE)),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
        requested=Count("pk", filter=Q(status=Status.REQUESTED)),
    )
    return counts


def enrolment_status_counts(enrolments: QuerySet[Enrolment]) -> dict[str, int]:
    """{status: number of enrolments} of a (filtered) report, for its chart: one query whatever the size."""
    return dict(enrolments.order_by().values_list("status").annotate(number=Count("pk")))


# --- Admin screens: requests, bulk enrolment, the learners report ------------------------------------------------

def user_manages_any_course(user: User) -> bool:
    """Administrators, and trainers of at least one course: who may open the requests screen and the report."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_perm("courses.change_enrolment"):
        return True
    return CourseTrainer.objects.filter(user=user).exists()


def enrolment_requests_for(user: User, *, course_id: int | None = None) -> QuerySet[Enrolment]:
    """Requests waiting for a decision on the courses the user manages, oldest first."""
    requests = Enrolment.objects.filter(status=Status.REQUESTED, course__in=courses_managed_by(user))
    if course_id:
        requests = requests.filter(course_id=course_id)
    return (requests.select_related("user", "user__library", "user__library__municipality", "course")
            .order_by("created_at", "pk"))


def staff_matching_q(
    *, evbk_only: bool = False, library_id: int | None = None, municipality_id: int | None = None,
    position_contains: str = "",
) -> Q:
    """The conditions of :func:`staff_matching` as a filter on users, so that a picture of many rules can ask them
    all in one query (certificates.compliance)."""
    q = Q(is_active=True, library__isnull=False)
    if evbk_only:
        q &= evbk_participation("library__")
    if library_id:
        q &= Q(library_id=library_id) | Q(library__parent_id=library_id)
    if municipality_id:
        q &= Q(library__municipality_id=municipality_id)
    if position_contains:
        q &= Q(position__icontains=position_contains)
    return q


def staff_matching(
    *, evbk_only: bool = False, library_id: int | None = None, municipality_id: int | None = None,
    position_contains: str = "",
) -> QuerySet[User]:
    """Active staff (people with a library) meeting the conditions of a mandatory rule or a group enrolment.
    A library includes its branches; Э(В)БК participation is the directory's one rule (branches of a participant
    system take part), the same as for internship requirements."""
    return User.objects.filter(staff_matching_q(evbk_only=evbk_only, library_id=library_id,
                                                municipality_id=municipality_id,
                                                position_contains=position_contains))


def people_by_emails(emails: list[str]) -> tuple[QuerySet[User], list[str]]:
    """Active people with these (normalised) e-mail addresses, and the addresses nobody active has."""
    people = User.objects.filter(is_active=True, email__in=emails)
    known = set(people.values_list("email", flat=True))
    return people, [email for email in emails if email not in known]


def people_for_bulk_enrolment(
    *, emails: list[str] | None = None, evbk_only: bool = False, library_id: int | None = None,
    municipality_id: int | None = None, position_contains: str = "",
) -> tuple[QuerySet[User], list[str]]:
    """The people a group enrolment covers, in name order with their library, and the unknown e-mail addresses.
    A list of addresses is used on its own; otherwise the conditions of :func:`staff_matching`."""
    if emails:
        people, unknown = people_by_emails(emails)
    else:
        people, unknown = staff_matching(evbk_only=evbk_only, library_id=library_id,
                                         municipality_id=municipality_id,
                                         position_contains=position_contains), []
    people = (people.select_related("library", "library__municipality")
              .order_by("last_name", "first_name", "patronymic", "pk"))
    return people, unknown


@dataclass
class BulkEnrolmentPreview:
    total: int
    sample: list[User]
    already_enrolled: int
    unknown_emails: list[str]
    seats_free: int | None  # None: the course has no limit
    enrolled_in_sample: set[int] = field(default_factory=set)  # ids of the shown people already enrolled

    @property
    def new(self) -> int:
        return self.total - self.already_enrolled

    @property
    def over_capacity(self) -> bool:
        return self.seats_free is not None and self.new > self.seats_free


def bulk_enrolment_preview(course: CoursePage, people: QuerySet[User], unknown_emails: list[str], *,
                           sample_size: int = 50) -> BulkEnrolmentPreview:
    """What a group enrolment would do, without writing anything (at most 5 queries)."""
    current = Enrolment.objects.filter(course=course, status__in=(Status.REQUESTED, Status.ACTIVE, Status.COMPLETED))
    seats_free = None
    if course.capacity is not None:
        taken = Enrolment.objects.filter(course=course, status__in=Enrolment.SEAT_STATUSES).count()
        seats_free = max(course.capacity - taken, 0)
    sample = list(people[:sample_size])
    return BulkEnrolmentPreview(
        total=people.count(),
        sample=sample,
        already_enrolled=current.filter(user__in=people.values("pk")).count(),
        unknown_emails=unknown_emails,
        seats_free=seats_free,
        enrolled_in_sample=set(current.filter(user__in=[p.pk for p in sample]).values_list("user_id", flat=True)),
    )


def user_sees_learners_report(user: User) -> bool:
    """Course managers, and library heads (who see how their own staff learn)."""
    return user_manages_any_course(user) or (user.is_authenticated and user.has_perm("accounts.view_library_staff"))


def report_courses_for(user: User) -> QuerySet[CoursePage]:
    if user.has_perm("accounts.view_library_staff") and not user_manages_any_course(user):
        return CoursePage.objects.all().order_by("path")  # a head filters own staff's enrolments by any course
    return courses_managed_by(user)


def learners_report(user: User) -> QuerySet[Enrolment]:
    """Enrolments on every course the user manages, plus, for a library head, every enrolment of their own
    staff (and nothing else), with what the report shows of each."""
    from lms.accounts.selectors import staff_visible_to

    visible = Q(course__in=courses_managed_by(user))
    if user.has_perm("accounts.view_library_staff"):
        visible |= Q(user__in=staff_visible_to(user))
    return (Enrolment.objects.filter(visible)
            .select_related("user", "user__library", "user__library__municipality", "course")
            .order_by("course__title", "user__last_name", "user__first_name", "user__patronymic", "pk"))
