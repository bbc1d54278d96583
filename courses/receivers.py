"""Reactions to other layers' signals: each receiver only dispatches a task."""

from django.db import transaction


def on_staff_profile_saved(sender, user_id: int, **kwargs) -> None:
    from .tasks import apply_assignment_rules_for_user_task

    apply_assignment_rules_for_user_task.delay_on_commit(user_id)


def on_staff_deactivated(sender, user_id: int, **kwargs) -> None:
    from .tasks import close_enrolments_of_deactivated_task

    close_enrolments_of_deactivated_task.delay_on_commit(user_id)


def on_library_participation_changed(sender, library_id: int, **kwargs) -> None:
    from .tasks import apply_assignment_rules_for_library_task

    apply_assignment_rules_for_library_task.delay_on_commit(library_id)


def on_lesson_published_or_unpublished(sender, instance, **kwargs) -> None:
    from .models import CoursePage
    from .tasks import recount_course_progress_task

    course = CoursePage.objects.ancestor_of(instance).first()
    if course is not None:
        course_id = course.pk
        transaction.on_commit(lambda: recount_course_progress_task.delay(course_id))
