from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternshipsConfig(AppConfig):
    name = "lms.internships"
    label = "internships"
    verbose_name = _("Internships")

    def ready(self) -> None:
        from lms.accounts.roles import Role, role_permissions_extend

        role_permissions_extend(Role.ADMINISTRATOR, [
            f"internships.{action}_{model}"
            for model in ("topic", "session", "booking", "requirement")
            for action in ("add", "change", "delete", "view")
        ])
        self._connect_content_generation()

        from lms.accounts.signals import staff_deactivated

        staff_deactivated.connect(_on_staff_deactivated, dispatch_uid="internships.cancel_on_deactivation")

    @staticmethod
    def _connect_content_generation() -> None:
        """The list of internships and the page of a session keep topics, sessions, plans, quotas and mentors in
        the shared content cache (lms/content_cache.py), and each person's standing reads the active requirements
        from there: any change of them starts a new content generation.
        Seats, queues and bookings are never kept there, so bookings start none."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from lms import content_cache

        from .models import Requirement, Session, SessionQuota, Topic, TopicDay

        bump = content_cache.generation_bump
        for model in (Topic, TopicDay, Session, SessionQuota, Requirement):
            post_save.connect(bump, sender=model, dispatch_uid=f"internships-content-save-{model.__name__}")
            post_delete.connect(bump, sender=model, dispatch_uid=f"internships-content-delete-{model.__name__}")
        for through in (Topic.mentors.through, Session.mentors.through, Requirement.topics.through,
                        Requirement.people.through):
            m2m_changed.connect(bump, sender=through, dispatch_uid=f"internships-content-m2m-{through.__name__}")


def _on_staff_deactivated(sender, user_id: int, **kwargs) -> None:
    """A person who left keeps no seat: their coming bookings are cancelled by a task."""
    from .tasks import cancel_bookings_of_deactivated_task

    cancel_bookings_of_deactivated_task.delay_on_commit(user_id)
