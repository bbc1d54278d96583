"""Wagtail's migrations create the default groups «Moderators» and «Editors» and the workflow and task «Moderators
approval» under English names, which the admin then shows (users' filters, workflow reports). They get Russian
names here; rows renamed by hand are left alone."""

from django.db import migrations

GROUPS = {"Moderators": "Модераторы", "Editors": "Редакторы"}
APPROVAL = {"Moderators approval": "Согласование модераторами"}


def _rename(apps, groups: dict[str, str], approval: dict[str, str]) -> None:
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    for old, new in groups.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)
    for old, new in approval.items():
        Workflow.objects.filter(name=old).update(name=new)
        Task.objects.filter(name=old).update(name=new)


def _reversed(names: dict[str, str]) -> dict[str, str]:
    return {new: old for old, new in names.items()}


def to_russian(apps, schema_editor):
    _rename(apps, GROUPS, APPROVAL)


def to_english(apps, schema_editor):
    _rename(apps, _reversed(GROUPS), _reversed(APPROVAL))


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0002_alter_homepage_body_alter_standardpage_body"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(to_russian, to_english)]
