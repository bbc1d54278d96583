"""Wagtail's migrations create the default groups «Moderators» and «Editors», the workflow and task «Moderators
approval», the tree's root «Root» and the page «Welcome to your new Wagtail site!» under English names, which the
admin then shows (users' filters, workflow reports, the page explorer and its reports). They get Russian names here;
rows renamed by hand are left alone."""

from django.db import migrations

GROUPS = {"Moderators": "Модераторы", "Editors": "Редакторы"}
APPROVAL = {"Moderators approval": "Согласование модераторами"}
PAGES = {"Root": "Корень сайта", "Welcome to your new Wagtail site!": "Заготовка Wagtail (не используется)"}


def _rename(apps, groups: dict[str, str], approval: dict[str, str], pages: dict[str, str]) -> None:
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    for old, new in groups.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)
    for old, new in approval.items():
        Workflow.objects.filter(name=old).update(name=new)
        Task.objects.filter(name=old).update(name=new)
    for old, new in pages.items():
        Page.objects.filter(depth__lte=2, title=old).update(title=new, draft_title=new)


def _reversed(names: dict[str, str]) -> dict[str, str]:
    return {new: old for old, new in names.items()}


def to_russian(apps, schema_editor):
    _rename(apps, GROUPS, APPROVAL, PAGES)


def to_english(apps, schema_editor):
    _rename(apps, _reversed(GROUPS), _reversed(APPROVAL), _reversed(PAGES))


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0002_alter_homepage_body_alter_standardpage_body"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(to_russian, to_english)]
