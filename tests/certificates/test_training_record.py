import subprocess

from certificates.models import Certificate
from tests.certificates.test_services import completed  # noqa: F401 - shared fixture
from tests.factories import LibraryFactory, UserFactory



def test_the_record_counts_hours_by_year_against_the_programme(client, completed, tmp_path):  # noqa: F811
    from courses.models import ProgrammePage

    learner, course = completed
    ProgrammePage.objects.filter(pk=course.get_parent().pk).update(expected_hours=72, period_years=3)
    client.force_login(learner)
    page = client.get("/my/record/").content.decode()
    assert "Виртуальное справочное обслуживание" in page and Certificate.objects.get().number in page
    assert "18 из 72" in page and "осталось 54" in page.lower()
    pdf = client.get("/my/record/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Виртуальное справочное" in " ".join(text.split())


def test_people_behind_for_administrators_and_heads(client, completed):  # noqa: F811
    from lms.accounts.roles import Role

    learner, course = completed
    library = LibraryFactory()
    behind = UserFactory(library=library, last_name="Отстающая")
    head = UserFactory(library=library, role=Role.LIBRARY_HEAD, last_name="Начальникова")
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, last_name="Админова"))
    page = client.get("/admin/reports/behind/").content.decode()
    assert "Отстающая" in page  # 0 of 72 hours
    client.force_login(head)
    page = client.get("/admin/reports/behind/").content.decode()
    assert "Отстающая" in page and learner.last_name not in page  # own staff only
    export = client.get("/admin/reports/behind/?export=xlsx")
    assert export.status_code == 200
    client.force_login(learner)
    assert client.get("/admin/reports/behind/").status_code in (302, 403)
    assert behind.pk
