"""PDF rendering: a Django template through WeasyPrint. The only module of the project that imports WeasyPrint.

What a rendered document may read is closed: the URL fetcher serves the project's own static files (STATIC_ROOT,
STATICFILES_DIRS and the apps' static folders, through the staticfiles finders), media files (MEDIA_ROOT), the
font files below and `data:` URIs; it refuses everything else (http, https, ftp, `file://` outside those folders,
`../` escapes, symbolic links leading out) and logs the refusal. WeasyPrint then skips the resource and renders
the rest. Values reach the templates through Django's autoescaping, so a name like `<img src=http://…>` is text.

Fonts: DejaVu Sans and DejaVu Serif (Cyrillic) from the system's font files (Debian: fonts-dejavu-core), declared
with @font-face so that WeasyPrint embeds them, subset to the glyphs used. Font files are not part of the project.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Relative and root-relative URLs in templates ("/static/…", "/media/…") resolve against this base into
# file:///static/… and file:///media/…, which the fetcher maps onto the project's folders.
BASE_URL = "file:///"

# Family name in the CSS -> (weight, file name). The families are the ones templates name in `font-family`.
FONT_FACES = {
    "Certificate Sans": (("normal", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf")),
    "Certificate Serif": (("normal", "DejaVuSerif.ttf"), ("bold", "DejaVuSerif-Bold.ttf")),
}
# Where distributions put DejaVu (Debian/Ubuntu, Fedora, Arch, Alpine); settings.CERTIFICATES_FONT_DIRS comes first.
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/dejavu-serif-fonts",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
)


class URLRefused(ValueError):
    """A template asked for something outside the project's static and media files."""


def render_pdf(template_name: str, context: dict) -> bytes:
    """Renders a Django template (autoescaped) to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))


def html_to_pdf(html: str) -> bytes:
    fetcher = ProjectFilesURLFetcher()
    # One font configuration per process is reused by every render (loading and registering the fonts is most of
    # the cost of a small document). Fontconfig and Pango objects are not meant for concurrent use, so renders in
    # one process take turns; WeasyPrint holds the GIL for most of its work anyway.
    with _render_lock:
        fonts = _fonts_of_this_process()
        document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[fonts.stylesheet], font_config=fonts.font_config)


# --- the URL fetcher ----------------------------------------------------------------------------------------------

class ProjectFilesURLFetcher(URLFetcher):
    """Serves only the project's static and media files, the certificate fonts and data: URIs; refuses the rest."""

    def __init__(self):
        # No network handler is ever reached: fetch() below answers every URL itself except data: URIs.
        super().__init__(timeout=5, allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        path = resolve_project_file(url)
        if path is None:
            logger.warning("PDF rendering refused to fetch %s", _shorten(url))
            raise URLRefused(f"Not a static or media file of the project: {_shorten(url)}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})


def resolve_project_file(url: str) -> Path | None:
    """The file a URL or path names, if it is one the PDF may read; None otherwise.

    Accepts file paths, file:// URLs and root-relative /static/… and /media/… URLs (also as file:///static/…).
    """
    path = _url_to_path(url)
    if path is None or "\x00" in path or not path.startswith("/"):
        return None
    if ".." in path.split("/"):
        return None  # a well-formed URL has had its dot segments removed; a path with them is an escape attempt

    candidates = [Path(path)]
    static_prefix = _url_path_prefix(settings.STATIC_URL)
    media_prefix = _url_path_prefix(settings.MEDIA_URL)
    if static_prefix and path.startswith(static_prefix):
        relative = path[len(static_prefix):].lstrip("/")
        if settings.STATIC_ROOT:
            candidates.append(Path(settings.STATIC_ROOT) / relative)  # collected (and hashed) names first
        if relative:
            try:
                found = finders.find(relative)
            except SuspiciousFileOperation:
                found = None
            if found:
                candidates.append(Path(found))
    if media_prefix and settings.MEDIA_ROOT and path.startswith(media_prefix):
        candidates.append(Path(settings.MEDIA_ROOT) / path[len(media_prefix):].lstrip("/"))

    roots = _allowed_roots()
    font_files = {Path(os.path.realpath(p)) for p in _font_files().values()}
    for candidate in candidates:
        real = Path(os.path.realpath(candidate))  # follows symbolic links: a link pointing out is refused
        if not real.is_file():
            continue
        if real in font_files or any(real.is_relative_to(root) for root in roots):
            return real
    return None


def _url_to_path(url: str) -> str | None:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return None
        return url2pathname(parts.path)
    if scheme:
        return None  # http, https, ftp, javascript, …
    if parts.netloc:
        return None  # //host/… (protocol-relative)
    return url  # a plain file path, taken as written


def _url_path_prefix(url: str | None) -> str:
    if not url:
        return ""
    path = urlsplit(url).path
    return path if path.endswith("/") else path + "/"


def _allowed_roots() -> list[Path]:
    roots = [settings.MEDIA_ROOT, settings.STATIC_ROOT, *_staticfiles_dirs()]
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():  # app static folders and STATICFILES_DIRS
            location = getattr(storage, "location", None)
            if location:
                roots.append(location)
    return [Path(os.path.realpath(root)) for root in roots if root]


def _staticfiles_dirs() -> list[str]:
    directories = []
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        directories.append(entry[1] if isinstance(entry, (tuple, list)) else entry)  # (prefix, path) form
    return directories


def _shorten(url: str, limit: int = 200) -> str:
    return url if len(url) <= limit else f"{url[:limit]}… ({len(url)} characters)"


# --- fonts --------------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _font_files() -> dict[str, str]:
    """File name -> path of each font file found on this machine (looked for once per process)."""
    names = {file_name for faces in FONT_FACES.values() for _, file_name in faces}
    found: dict[str, str] = {}
    directories = [*getattr(settings, "CERTIFICATES_FONT_DIRS", []), *FONT_DIRS]
    for directory in directories:
        for name in names - found.keys():
            candidate = Path(directory) / name
            if candidate.is_file():
                found[name] = str(candidate)
    if names - found.keys():
        for base in ("/usr/share/fonts", "/usr/local/share/fonts"):  # unusual layouts: search once
            for candidate in Path(base).rglob("DejaVu*.ttf") if Path(base).is_dir() else ():
                if candidate.name in names and candidate.name not in found:
                    found[candidate.name] = str(candidate)
    missing = names - found.keys()
    if missing:
        logger.warning("Certificate fonts not found (%s); install fonts-dejavu-core. The system's fallback fonts "
                       "will be used, which may lack Cyrillic.", ", ".join(sorted(missing)))
    return found


def font_face_css() -> str:
    files = _font_files()
    rules = []
    for family, faces in FONT_FACES.items():
        for weight, file_name in faces:
            if file_name in files:
                rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: normal; '
                             f'src: url("{Path(files[file_name]).as_uri()}"); }}')
    return "\n".join(rules)


@dataclass
class _Fonts:
    pid: int
    font_config: FontConfiguration
    stylesheet: weasyprint.CSS


_render_lock = threading.Lock()
_fonts: _Fonts | None = None


def _fonts_of_this_process() -> _Fonts:
    global _fonts
    if _fonts is not None and _fonts.pid != os.getpid():
        # Inherited through fork (a Celery or gunicorn worker): the temporary folder holding the registered fonts
        # belongs to the parent, which still uses it; WeasyPrint deletes it when the configuration is collected.
        _fonts.font_config._folder = None
        _fonts = None
    if _fonts is None:
        font_config = FontConfiguration()
        stylesheet = weasyprint.CSS(string=font_face_css(), font_config=font_config,
                                    url_fetcher=ProjectFilesURLFetcher())
        _fonts = _Fonts(pid=os.getpid(), font_config=font_config, stylesheet=stylesheet)
    return _fonts
