from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from courses.signals import course_completed
        from lms.internships.signals import internship_completed
        from lms.accounts.roles import Role, role_permissions_extend

        role_permissions_extend(Role.ADMINISTRATOR, [
            "certificates.view_certificate", "certificates.view_certificatetemplate",
            "certificates.add_certificatetemplate", "certificates.change_certificatetemplate",
            "certificates.issue_certificate", "certificates.reissue_certificate", "certificates.revoke_certificate",
            "certificates.change_ratingsettings",
        ])
        from django.db.models.signals import post_save

        from lms import content_cache

        from .models import RatingSettings

        # New weights: the public rating page stored for anonymous visitors is made again (cms/page_cache.py).
        post_save.connect(content_cache.generation_bump, sender=RatingSettings,
                          dispatch_uid="certificates.rating_settings_saved", weak=False)
        course_completed.connect(_on_course_completed, dispatch_uid="certificates.issue_on_completion")
        internship_completed.connect(_on_internship_completed, dispatch_uid="certificates.issue_on_internship")


def _on_course_completed(sender, enrolment_id: int, **kwargs) -> None:
    # The signal comes after the completing transaction has committed; the receiver only dispatches a task.
    from .tasks import issue_course_certificate_task

    issue_course_certificate_task.delay(enrolment_id)


def _on_internship_completed(sender, booking_id: int, **kwargs) -> None:
    from .tasks import issue_internship_certificate_task

    issue_internship_certificate_task.delay(booking_id)
