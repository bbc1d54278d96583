"""Authoring rules: courses are published through a moderation workflow approved by administrators, and
documents used only by unpublished course pages are not served to the public."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    ReferenceIndex,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

WORKFLOW_NAME = "Публикация курсов"
TASK_NAME = "Утверждение администратором ОНБ"


@transaction.atomic
def course_moderation_workflow_ensure(*, programme: Page, approvers: Group) -> Workflow:
    """Everything under the programme is published after an administrator approves it. Idempotent."""
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(approvers)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=programme, defaults={"workflow": workflow})
    # Approving publishes, so the approvers may publish (and edit) everything under the programme.
    for codename in ("add_page", "change_page", "publish_page"):
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=approvers, page=programme, permission=permission)
    return workflow


def document_is_public(document) -> bool:
    """A document used by pages is public only if at least one of them is live and public. A document no page
    uses (uploaded to the library of documents for other purposes) keeps Wagtail's own rules."""
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = list(ReferenceIndex.get_references_to(document)
                    .filter(base_content_type=page_type).values_list("object_id", flat=True))
    if not page_ids:
        return True
    return Page.objects.filter(pk__in=page_ids).live().public().exists()
