"""The check of an ``.h5p`` file before anything is stored: a zip (read safely by ``courses.packages.archive``:
paths, links, bombs) holding ``h5p.json``, ``content/content.json`` and the folder of every library it needs.

Refused, with the reason in Russian: not a zip or a damaged one; unsafe members (archive.py); no ``h5p.json`` or no
``content/content.json``; JSON that does not parse; ``mainLibrary`` not among ``preloadedDependencies``; a library
named in the dependencies (of ``h5p.json`` or of another library) whose ``<machineName>-<major>.<minor>/
library.json`` is missing or does not describe it; a script or stylesheet a library lists that is not there; a file
of a kind not allowed.

Allowed kinds follow H5P's own whitelist idea, narrowed for a site that serves the files from its own address:
the content may hold data, pictures, sound, video, fonts, subtitles and PDF; libraries may also hold ``.js`` and
``.css`` (the player loads them). HTML pages (``.html``, ``.htm``, ``.xhtml``, ``.shtml``) are refused: served from
our address they would run as our own pages. Programs and server scripts (``.php``, ``.exe``, ``.sh``, ``.bat``,
``.jar``…), Flash and anything not listed are refused too. Files whose name begins with a dot and macOS's
``__MACOSX/`` folder are packing debris: they are not checked and not stored.
"""

from __future__ import annotations

import json
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _

from ..archive import ArchiveLimits, ArchiveListing, ArchiveRefused, list_members, open_archive, read_member

H5P_JSON = "h5p.json"
CONTENT_JSON = "content/content.json"
MAX_JSON_BYTES = 16 * 1024 * 1024  # content.json of a large interactive video stays far below
CONTENT_EXTENSIONS = frozenset({
    "json", "txt", "csv", "xml", "md", "pdf", "vtt", "webvtt",
    "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "svg", "ico",
    "mp3", "m4a", "wav", "ogg", "oga", "opus", "mp4", "m4v", "webm", "ogv",
    "eot", "ttf", "otf", "woff", "woff2", "gltf", "glb",
})
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css", "map"}
_LIBRARY_FOLDER = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)-(?P<major>\d+)\.(?P<minor>\d+)$")


@dataclass
class H5PCheck:
    """What the check found; ``ok`` when nothing was refused (``errors`` are translated reasons)."""

    title: str = ""
    main_library: str = ""                                   # «H5P.MultiChoice 1.16»
    libraries: list[str] = field(default_factory=list)       # folders used, «H5P.MultiChoice-1.16»
    files: list[str] = field(default_factory=list)           # what will be stored, relative to the root
    member_count: int = 0
    total_bytes: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def is_debris(name: str) -> bool:
    """Packing leftovers that are neither checked nor stored (``.DS_Store``, ``__MACOSX/…``)."""
    return name.startswith("__MACOSX/") or posixpath.basename(name).startswith(".")


def extension(name: str) -> str:
    base = posixpath.basename(name)
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def library_folder(dependency: dict) -> str:
    return f"{dependency.get('machineName')}-{dependency.get('majorVersion')}.{dependency.get('minorVersion')}"


def _read_json(archive: zipfile.ZipFile, listing: ArchiveListing, name: str):
    """The parsed JSON of a member; ``ArchiveRefused`` in Russian when it is not valid JSON."""
    data = read_member(archive, listing.members[name], MAX_JSON_BYTES)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise ArchiveRefused(_("The file %(name)s is not valid JSON. Export the H5P content again.")
                             % {"name": name}) from None


def _dependencies(document: dict, where: str) -> list[dict]:
    found = document.get("preloadedDependencies", [])
    if not isinstance(found, list) or not all(
            isinstance(item, dict) and isinstance(item.get("machineName"), str)
            and isinstance(item.get("majorVersion"), int) and isinstance(item.get("minorVersion"), int)
            for item in found):
        raise ArchiveRefused(_("The list preloadedDependencies in %(name)s is damaged: each library needs "
                               "machineName, majorVersion and minorVersion.") % {"name": where})
    return found


def check_h5p(source: str | BinaryIO, limits: ArchiveLimits | None = None) -> H5PCheck:
    """Check the ``.h5p`` file at ``source`` (a path or a binary file object); nothing is written anywhere."""
    check = H5PCheck()
    try:
        with open_archive(source) as archive:
            listing = list_members(archive, limits)
            _check_structure(check, archive, listing)
    except ArchiveRefused as refusal:
        check.errors.append(str(refusal))
    return check


def _check_structure(check: H5PCheck, archive: zipfile.ZipFile, listing: ArchiveListing) -> None:
    names = [name for name in listing.members if not is_debris(name)]
    check.files = names
    check.member_count = len(names)
    check.total_bytes = sum(listing.members[name].file_size for name in names)
    if H5P_JSON not in listing:
        raise ArchiveRefused(_("This is not an H5P file: there is no h5p.json at the root of the archive. Download "
                               "the content as a .h5p file from the H5P editor."))
    if CONTENT_JSON not in listing:
        raise ArchiveRefused(_("The H5P file has no content/content.json: the content itself is missing."))
    h5p = _read_json(archive, listing, H5P_JSON)
    if not isinstance(h5p, dict):
        raise ArchiveRefused(_("The file h5p.json does not describe H5P content."))
    _read_json(archive, listing, CONTENT_JSON)
    dependencies = _dependencies(h5p, H5P_JSON)
    main = h5p.get("mainLibrary")
    main_dependency = next((item for item in dependencies if item["machineName"] == main), None)
    if not isinstance(main, str) or main_dependency is None:
        raise ArchiveRefused(_("The main library «%(name)s» of the content is not among its preloadedDependencies "
                               "in h5p.json.") % {"name": main or "—"})
    check.main_library = f"{main} {main_dependency['majorVersion']}.{main_dependency['minorVersion']}"
    title = h5p.get("title")
    check.title = title.strip()[:300] if isinstance(title, str) else ""
    check.libraries = _check_libraries(archive, listing, dependencies)
    _check_kinds(names, set(check.libraries))


def _check_libraries(archive: zipfile.ZipFile, listing: ArchiveListing, dependencies: list[dict]) -> list[str]:
    """Every library needed, its dependencies too (breadth first), is present and lists only files it has."""
    seen: list[str] = []
    queue = [(item, H5P_JSON) for item in dependencies]
    while queue:
        dependency, needed_by = queue.pop(0)
        folder = library_folder(dependency)
        if folder in seen:
            continue
        described = f"{folder}/library.json"
        if described not in listing:
            raise ArchiveRefused(_("The library %(folder)s named in %(by)s is missing from the H5P file (no "
                                   "%(folder)s/library.json). Download the content with its libraries.")
                                 % {"folder": folder, "by": needed_by})
        library = _read_json(archive, listing, described)
        if not isinstance(library, dict) or (
                library.get("machineName"), library.get("majorVersion"), library.get("minorVersion")) != (
                dependency["machineName"], dependency["majorVersion"], dependency["minorVersion"]):
            raise ArchiveRefused(_("The file %(name)s describes another library than its folder's name says.")
                                 % {"name": described})
        seen.append(folder)
        for key in ("preloadedJs", "preloadedCss"):
            entries = library.get(key, [])
            if not isinstance(entries, list):
                raise ArchiveRefused(_("The list %(key)s in %(name)s is damaged.") % {"key": key, "name": described})
            for entry in entries:
                path = entry.get("path") if isinstance(entry, dict) else None
                if not isinstance(path, str) or f"{folder}/{path}" not in listing:
                    raise ArchiveRefused(_("The library %(folder)s needs the file «%(path)s», which is not in the "
                                           "H5P file.") % {"folder": folder, "path": path})
        queue += [(item, described) for item in _dependencies(library, described)]
    return seen


def _check_kinds(names: list[str], libraries: set[str]) -> None:
    for name in names:
        top = name.split("/", 1)[0]
        in_library = "/" in name and (top in libraries or _LIBRARY_FOLDER.match(top) is not None)
        allowed = LIBRARY_EXTENSIONS if in_library else CONTENT_EXTENSIONS
        if extension(name) not in allowed:
            raise ArchiveRefused(_("The file «%(name)s» is of a kind not allowed in H5P content (allowed: pictures, "
                                   "sound, video, fonts, texts, JSON; scripts and styles only inside libraries; "
                                   "never web pages or programs).") % {"name": name})
