"""python manage.py import_questions --format gift|moodlexml [--dry-run] [--json] FILE... [--course SLUG]
[--category PATH]

--dry-run reads the files and writes nothing; with --json it prints one line per file, in the order given:
{"file": <path as given>, "questions": [...], "errors": [...]} (the form of ../shared/conformance/README.md,
which check_gift.py compares with Moodle). Without --dry-run the questions go into the bank of the course
--course, under --category when given; a file with errors is not imported at all (Moodle's «stop on error»).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.quizzes.formats import ParseResult, parse_gift_file, parse_moodle_xml

READERS = {"gift": parse_gift_file, "moodlexml": parse_moodle_xml}


def _questions_word(count: int) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return "вопрос"
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return "вопроса"
    return "вопросов"


def _where(problem: dict) -> str:
    # The readers keep the line apart from the message (the admin preview shows it in a column of its own).
    return f"строка {problem['line']}: " if problem.get("line") else ""


def read_file(path: str, question_format: str) -> ParseResult:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        reason = "не найден" if isinstance(exc, FileNotFoundError) else f"не читается ({exc.strerror or exc})"
        return ParseResult(errors=[{"line": 0, "message": f"Файл {path} {reason}."}])
    return READERS[question_format](data, path)


class Command(BaseCommand):
    help = "Import questions from GIFT or Moodle XML files into a course's question bank, or check them (--dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--format", dest="question_format", choices=sorted(READERS), required=True,
                            help="gift or moodlexml")
        parser.add_argument("--dry-run", action="store_true", help="read and check only, write nothing")
        parser.add_argument("--json", action="store_true", help="one JSON line per file")
        parser.add_argument("--course", metavar="SLUG", help="the course whose question bank receives the questions")
        parser.add_argument("--category", metavar="PATH", help="category path in the bank, e.g. «Итоговый тест»")

    def handle(self, *args, **options):
        dry_run, as_json = options["dry_run"], options["json"]
        if not dry_run and not options["course"]:
            raise CommandError("Укажите курс: --course SLUG (или только проверьте файлы: --dry-run).")
        results = [(path, read_file(path, options["question_format"])) for path in options["files"]]
        if dry_run:
            for path, result in results:
                if as_json:
                    self.stdout.write(json.dumps({"file": path, "questions": result.questions,
                                                  "errors": result.errors}, ensure_ascii=False))
                else:
                    self._report(path, result, f"прочитано {len(result.questions)} "
                                               f"{_questions_word(len(result.questions))}")
            return
        self._import(results, options["course"], options["category"], as_json)

    def _import(self, results, course, category, as_json):
        from courses.quizzes import question_bank
        from courses.quizzes.question_bank import import_into_bank

        bank_error = getattr(question_bank, "QuestionBankError", None) or ()
        refused = []
        for path, result in results:
            imported = 0
            if result.errors:
                refused.append(path)
            else:
                try:
                    imported = import_into_bank(course, category, result.questions)
                except bank_error as exc:
                    result.error(0, str(exc))
                    refused.append(path)
                else:
                    if not isinstance(imported, int):
                        imported = len(result.questions)
            if as_json:
                self.stdout.write(json.dumps({"file": path, "imported": imported, "errors": result.errors},
                                             ensure_ascii=False))
            else:
                summary = (f"импортировано {imported} {_questions_word(imported)}" if path not in refused
                           else "не импортирован из-за ошибок")
                self._report(path, result, summary)
        if refused:
            raise CommandError("Не импортированы (исправьте ошибки и повторите): " + ", ".join(refused))

    def _report(self, path, result, summary):
        style = self.style.ERROR if result.errors else self.style.SUCCESS
        self.stdout.write(style(f"{path}: {summary}, ошибок: {len(result.errors)}"))
        for problem in result.errors:
            self.stdout.write(f"  {_where(problem)}{problem['message']}")
        for problem in result.warnings:
            self.stdout.write(f"  Предупреждение. {_where(problem)}{problem['message']}")
