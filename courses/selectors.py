"""Reads for the learning pages; each returns what a page needs in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from lms.accounts.models import User

from .models import CourseModulePage, CoursePage, CourseTrainer, Enrolment, LessonCompletion, LessonPage

Status = Enrolment.Status


def catalogue_courses(
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
    return list(CoursePage.objects.live().child_of(programme).exclude(audience="")
                .order_by("audience").values_list("audience", flat=True).distinct())


def enrolments_by_course(user: User, course_ids) -> dict[int, Enrolment]:
    if not user.is_authenticated:
        return {}
    return {e.course_id: e for e in Enrolment.objects.filter(user=user, course_id__in=list(course_ids))}


@dataclass
class SyllabusModule:
    page: CourseModulePage | None
    lessons: list[LessonPage] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(lesson.estimated_minutes for lesson in self.lessons)


def course_syllabus(course: CoursePage) -> list[SyllabusModule]:
    """Modules with their live lessons in tree order; lessons placed directly in the course come first (2 queries)."""
    modules = {m.path: SyllabusModule(page=m) for m in CourseModulePage.objects.live().child_of(course)
               .order_by("path")}
    loose = SyllabusModule(page=None)
    for lesson in LessonPage.objects.live().descendant_of(course).order_by("path").defer_streamfields():
        parent_path = lesson.path[: -LessonPage.steplen]
        modules.get(parent_path, loose).lessons.append(lesson)
    result = [loose] if loose.lessons else []
    return result + [m for m in modules.values() if m.lessons]


def course_trainers(course: CoursePage) -> list[User]:
    return [link.user for link in CourseTrainer.objects.filter(course=course).select_related("user")
            .order_by("user__last_name")]


def completed_lesson_ids(enrolment: Enrolment | None) -> set[int]:
    if enrolment is None:
        return set()
    return set(LessonCompletion.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True))


@dataclass
class Dashboard:
    assigned: list[Enrolment]
    in_progress: list[Enrolment]
    requested: list[Enrolment]
    completed: list[Enrolment]
    hours_this_year: int
    next_courses: list[CoursePage]


ASSIGNED_SOURCES = (Enrolment.Source.MANDATORY, Enrolment.Source.ADMIN, Enrolment.Source.COHORT)


def learner_dashboard(user: User, *, today: date | None = None, suggestions: int = 3) -> Dashboard:
    today = today or timezone.localdate()
    enrolments = list(
        Enrolment.objects.filter(user=user, status__in=(Status.REQUESTED, Status.ACTIVE, Status.COMPLETED))
        .select_related("course", "last_lesson").order_by("due_date", "-created_at")
    )
    active = [e for e in enrolments if e.status == Status.ACTIVE]
    assigned = [e for e in active if e.source in ASSIGNED_SOURCES]
    completed = sorted((e for e in enrolments if e.status == Status.COMPLETED),
                       key=lambda e: e.completed_at, reverse=True)
    hours = sum(e.course.academic_hours for e in completed if timezone.localdate(e.completed_at).year == today.year)
    taken = {e.course_id for e in enrolments}
    next_courses = list(
        CoursePage.objects.live().public().exclude(pk__in=taken)
        .exclude(enrolment_policy=CoursePage.Policy.ASSIGNED).order_by("path")[:suggestions]
    )
    return Dashboard(
        assigned=assigned,
        in_progress=[e for e in active if e.source not in ASSIGNED_SOURCES],
        requested=[e for e in enrolments if e.status == Status.REQUESTED],
        completed=completed,
        hours_this_year=hours,
        next_courses=next_courses,
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


def hours_by_year(user: User) -> dict[int, int]:
    rows = (Enrolment.objects.filter(user=user, status=Status.COMPLETED)
            .values_list("completed_at__year").annotate(hours=Sum("course__academic_hours")))
    return dict(rows)
