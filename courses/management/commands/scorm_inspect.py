"""python manage.py scorm_inspect PACKAGE.zip [--json]

Checks a SCORM package as the upload does and writes nothing (no database, no media). With --json it prints one
line: {"version": "1.2"|"2004 2nd"|"2004 3rd"|"2004 4th"|null, "title": ..., "scos": [{"identifier", "title",
"launch"}], "errors": [...]}; without it, a readable summary. A refused package exits with status 1.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.packages.manifest import PackageCheck, PackageItem, check_package


class Command(BaseCommand):
    help = "Check a SCORM package (zip) as the upload would, without storing anything."
    requires_migrations_checks = False
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("package", metavar="PACKAGE.zip")
        parser.add_argument("--json", action="store_true", help="print the result as one JSON object")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            check = check_package(options["package"])
            if options["json"]:
                self.stdout.write(json.dumps(check.as_json(), ensure_ascii=False))
            else:
                self._summary(options["package"], check)
            if not check.ok:
                raise CommandError(_("The package is refused.") if options["json"] else "\n".join(check.errors),
                                   returncode=1)

    def _summary(self, path: str, check: PackageCheck) -> None:
        write = self.stdout.write
        write(_("Package: %(path)s") % {"path": path})
        if check.version:
            write(_("SCORM version: %(version)s") % {"version": check.version})
        if check.title:
            write(_("Title: %(title)s") % {"title": check.title})
        if check.member_count:
            write(ngettext("%(count)d file in the archive", "%(count)d files in the archive", check.member_count)
                  % {"count": check.member_count})
        if check.items:
            write(_("Table of contents:"))
            self._tree(check.items, 1)
        if check.scos:
            write(ngettext("%(count)d learning object (SCO):", "%(count)d learning objects (SCO):", len(check.scos))
                  % {"count": len(check.scos)})
            for number, sco in enumerate(check.scos, 1):
                write(f"  {number}. {sco.title or sco.identifier} [{sco.identifier}] → {sco.launch}")
        for warning in check.warnings:
            write(_("Warning: %(message)s") % {"message": warning})
        if check.ok:
            write(self.style.SUCCESS(_("The package can be uploaded.")))

    def _tree(self, items: list[PackageItem], depth: int) -> None:
        for item in items:
            mark = " (SCO)" if item.is_sco else ""
            self.stdout.write(f"{'  ' * depth}- {item.title or item.identifier}{mark}")
            self._tree(item.children, depth + 1)
