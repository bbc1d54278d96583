from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished

        from lms.accounts.roles import Role, role_permissions_extend
        from lms.accounts.signals import staff_deactivated, staff_profile_saved
        from lms.libraries.signals import library_participation_changed

        from . import receivers
        from .completion import register_progress_contribution
        from .models import LessonPage, ScormLessonPage
        from .packages.progress import scorm_progress
        from .quizzes import tasks as quiz_tasks  # noqa: F401 - registers its Celery task
        from .quizzes.progress import quiz_progress

        role_permissions_extend(Role.ADMINISTRATOR, [
            f"courses.{action}_{model}" for model in ("enrolment", "assignmentrule", "coursetrainer", "quizoverride")
            for action in ("add", "change", "delete", "view")
        ] + ["courses.review_externaltraining", "courses.view_externaltraining", "courses.view_manualcompletion"])
        # SCORM packages: administrators and trainers upload and manage them.
        package_permissions = [f"courses.{action}_scormpackage" for action in ("add", "change", "delete", "view")]
        role_permissions_extend(Role.ADMINISTRATOR, package_permissions)
        role_permissions_extend(Role.TRAINER, package_permissions)
        # H5P content likewise; its tasks gate the lessons that play them (courses/packages/h5p/progress.py).
        h5p_permissions = [f"courses.{action}_h5pcontent" for action in ("add", "change", "delete", "view")]
        role_permissions_extend(Role.ADMINISTRATOR, h5p_permissions)
        role_permissions_extend(Role.TRAINER, h5p_permissions)
        from .completion import register_lesson_requirement
        from .packages.h5p.progress import h5p_lesson_requirement

        register_lesson_requirement("h5p", h5p_lesson_requirement)
        register_progress_contribution("quiz", quiz_progress)
        register_progress_contribution("scorm", scorm_progress)
        from .digest import digest_section_register
        from .recertification import digest_section

        digest_section_register(digest_section)
        staff_profile_saved.connect(receivers.on_staff_profile_saved, dispatch_uid="courses.rules_on_profile")
        staff_deactivated.connect(receivers.on_staff_deactivated, dispatch_uid="courses.close_on_deactivation")
        library_participation_changed.connect(receivers.on_library_participation_changed,
                                              dispatch_uid="courses.rules_on_library")
        page_published.connect(receivers.on_lesson_published_or_unpublished, sender=LessonPage,
                               dispatch_uid="courses.recount_on_publish")
        page_unpublished.connect(receivers.on_lesson_published_or_unpublished, sender=LessonPage,
                                 dispatch_uid="courses.recount_on_unpublish")
        page_published.connect(receivers.on_lesson_published_or_unpublished, sender=ScormLessonPage,
                               dispatch_uid="courses.recount_on_scorm_publish")
        page_unpublished.connect(receivers.on_lesson_published_or_unpublished, sender=ScormLessonPage,
                                 dispatch_uid="courses.recount_on_scorm_unpublish")
