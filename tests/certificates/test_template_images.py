"""A template's logo, background and signature images reach the issued certificate's PDF and the admin preview.

The images are Wagtail images in a temporary MEDIA_ROOT; the PDF is read with poppler-utils' pdfimages, and the
page is rasterised with pdftoppm to check the logo's colour is really drawn where the logo stands.
"""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.images import ImageFile

from certificates import services
from certificates.models import Certificate, CertificateTemplate
from courses import services as course_services
from tests.factories import UserFactory
from tests.factories import courses as pages

IN_CI = os.environ.get("CI", "").lower() == "true"
LOGO_COLOUR = (200, 30, 40)  # a red that nothing else on the certificate uses
SIGNATURE_COLOUR = (20, 40, 160)
BACKGROUND_COLOUR = (250, 238, 200)
FRAME_COLOUR = (31, 58, 95)  # the frame's border, #1f3a5f in the template's CSS


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None and not IN_CI:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    assert found, f"{tool} (poppler-utils) is needed in CI"
    return found


def wagtail_image(title: str, size: tuple[int, int], colour, *, mode: str = "RGB", margin: int = 10):
    from PIL import Image, ImageDraw
    from wagtail.images import get_image_model

    picture = Image.new(mode, size, (255, 255, 255, 0) if mode == "RGBA" else (255, 255, 255))
    left, top = size[0] * margin // 100, size[1] * margin // 100
    ImageDraw.Draw(picture).rectangle((left, top, size[0] - left - 1, size[1] - top - 1), fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    buffer.seek(0)
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name=f"{title}.png"))


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def illustrated_template(db, media_root):
    return CertificateTemplate.objects.create(
        name="С логотипом", kind="certificate", is_default=True,
        logo=wagtail_image("logo", (600, 300), LOGO_COLOUR),
        background_image=wagtail_image("background", (1200, 850), BACKGROUND_COLOUR, margin=0),
        signatory_1_name="С. В. Петрова", signatory_1_position="Директор",
        signatory_1_signature=wagtail_image("signature-1", (500, 200), SIGNATURE_COLOUR, mode="RGBA"),
        signatory_2_name="А. Н. Кузнецов", signatory_2_position="Руководитель программы",
        signatory_2_signature=wagtail_image("signature-2", (500, 200), SIGNATURE_COLOUR, mode="RGBA"),
    )


def pdf_images(pdf: Path) -> list[list[str]]:
    listing = subprocess.run([poppler("pdfimages"), "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    return [line.split() for line in listing]


def test_an_issued_certificate_shows_the_templates_logo_and_signatures(illustrated_template, tmp_path,
                                                                       django_capture_on_commit_callbacks):
    from PIL import Image

    course = pages.course(title="Краеведение в библиотеке", academic_hours=8)
    lesson = pages.lesson(course)
    learner = UserFactory(last_name="Соколова", first_name="Анна", patronymic="Игоревна")
    course_services.enrolment_self(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.lesson_complete(user=learner, lesson=lesson)
    certificate = Certificate.objects.get(user=learner)
    assert certificate.pdf, "the render task did not store the PDF"

    context = services.certificate_context(certificate)
    assert context["logo_url"].startswith("/media/images/")
    assert [s["signature_url"][:14] for s in context["signatories"]] == ["/media/images/"] * 2

    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(certificate.pdf.read())
    images = pdf_images(pdf)
    # the logo and two signatures (the QR code is a PNG too); a signature keeps its transparency (an soft mask)
    rgb = [row for row in images if row[2] == "image"]
    assert len(rgb) >= 4, images
    assert any(row[2] == "smask" for row in images), images

    # Drawn, not only embedded, and where they belong: the logo's red in the header, the signatures' blue in the
    # footer, the background's cream behind the text; and the page still ends with the frame's bottom border
    # (a logo makes the header taller: the body gives up that height so the frame is not pushed off the page).
    subprocess.run([poppler("pdftoppm"), "-png", "-r", "50", "-singlefile", str(pdf), str(tmp_path / "page")],
                   check=True)
    page = Image.open(tmp_path / "page.png").convert("RGB")
    width, height = page.size

    def where(colour) -> list[tuple[int, int]]:
        return [(x, y) for x in range(width) for y in range(height)
                if all(abs(a - b) < 30 for a, b in zip(page.getpixel((x, y)), colour))]

    logo, signatures, background = where(LOGO_COLOUR), where(SIGNATURE_COLOUR), where(BACKGROUND_COLOUR)
    assert logo and max(y for _x, y in logo) < height // 3, "the logo is not drawn in the header"
    assert signatures and min(y for _x, y in signatures) > height // 2, "the signatures are not in the footer"
    assert len(background) > width * height * 3 // 4, "the background does not fill the frame"
    frame_rows = [y for y in range(height * 9 // 10, height)
                  if sum(1 for x in range(width) if page.getpixel((x, y)) == FRAME_COLOUR
                         or all(abs(a - b) < 30 for a, b in zip(page.getpixel((x, y)), FRAME_COLOUR))) > width // 2]
    assert frame_rows, "the frame's bottom border is not on the page"


def test_the_admin_preview_shows_the_templates_images(illustrated_template, client, tmp_path):
    from lms.accounts.roles import Role

    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    response = client.get(f"/admin/certificates/templates/{illustrated_template.pk}/preview/")
    assert response.status_code == 200
    pdf = tmp_path / "preview.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run([poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True).stdout
    assert "С. В. Петрова" in text and "А. Н. Кузнецов" in text
    assert len([row for row in pdf_images(pdf) if row[2] == "image"]) >= 3  # logo and two signatures


def test_a_missing_image_file_leaves_the_image_out(illustrated_template, media_root, tmp_path):
    logo = illustrated_template.logo
    logo.renditions.all().delete()
    Path(logo.file.path).unlink()
    assert services.image_src(logo, services.LOGO_SPEC) == ""
    design = services.template_design(illustrated_template)
    assert design["logo_url"] == "" and all(s["signature_url"] for s in design["signatories"])


def test_with_remote_storage_the_image_travels_as_a_data_uri(illustrated_template, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    def remote_url(self, name):
        return f"https://storage.example.org/lms-media/{name}"

    monkeypatch.setattr(FileSystemStorage, "url", remote_url)
    source = services.image_src(illustrated_template.logo, services.LOGO_SPEC)
    assert source.startswith("data:image/png;base64,") and len(source) > 100
