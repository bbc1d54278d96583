"""The package check: a SCORM zip read before anything is stored (``check_package``).

What is found: the SCORM version (1.2, 2004 2nd / 3rd / 4th edition) from ``<schemaversion>`` or, failing that,
from the namespaces (``adlcp_rootv1p2`` -> 1.2; ``adlcp_v1p3`` -> 2004, taken as the 3rd edition when the manifest
does not say which); the default organization (or the first) and its title; its items, nested, each resolved to
its resource; the SCOs in the order a learner meets them (``adlcp:scormtype`` or ``adlcp:scormType`` = ``sco``)
with their launch address (``xml:base`` of manifest, resources and resource, ``href``, and the item's
``parameters``); the ``<file href>`` entries and which of them are missing from the zip.

Refused, with a translated reason: what ``archive`` refuses; no ``imsmanifest.xml`` at the root (also when it sits
in a folder, or when only AICC files are there); a manifest that is not well-formed XML, declares a DOCTYPE or
entities (refused before anything is expanded, as the Moodle XML importer does) or is too large or deep; no
organization, no item, no SCO; an item pointing at an unknown resource; a SCO whose launch file is missing or
lies outside the package. Declared files that are missing are warnings: authoring tools often list them loosely.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

from django.utils.translation import gettext as _

from .archive import ArchiveLimits, ArchiveListing, ArchiveRefused, list_members, open_archive, read_member

MANIFEST_NAME = "imsmanifest.xml"
MAX_MANIFEST_BYTES = 10 * 1024 * 1024
MAX_MANIFEST_ELEMENTS = 100_000
MAX_MANIFEST_DEPTH = 64
AICC_EXTENSIONS = (".crs", ".au", ".des", ".cst")
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

VERSION_12 = "1.2"
VERSION_2004_2ND = "2004 2nd"
VERSION_2004_3RD = "2004 3rd"
VERSION_2004_4TH = "2004 4th"
VERSIONS = (VERSION_12, VERSION_2004_2ND, VERSION_2004_3RD, VERSION_2004_4TH)

_EDITION = {"2nd": VERSION_2004_2ND, "3rd": VERSION_2004_3RD, "4th": VERSION_2004_4TH}
_SCHEMAVERSION_2004 = re.compile(r"2004\s*(2nd|3rd|4th)", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*encoding\s*=\s*["'])([A-Za-z0-9._-]+)(["'])""")
_EXPAT_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}


@dataclass
class PackageItem:
    """An item of the organization: a SCO or an asset when it has a resource, else a folder of items."""

    identifier: str
    title: str
    resource: str = ""
    launch: str = ""
    is_sco: bool = False
    children: list[PackageItem] = field(default_factory=list)
    run_time: dict[str, str] = field(default_factory=dict)  # what the SCO is given at launch (see _run_time_figures)


@dataclass
class Sco:
    identifier: str
    title: str
    launch: str
    resource: str
    # Optional, present only when the manifest gives them (so packages without them keep the JSON's shape):
    # mastery_score (1.2), launch_data (both), completion_threshold and scaled_passing_score (2004).
    run_time: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"identifier": self.identifier, "title": self.title, "launch": self.launch, **self.run_time}


@dataclass
class PackageCheck:
    """What the check found; ``ok`` when nothing was refused (``errors`` hold translated reasons)."""

    version: str | None = None
    title: str = ""
    organization: str = ""
    items: list[PackageItem] = field(default_factory=list)
    scos: list[Sco] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    member_count: int = 0
    total_bytes: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        """The form ``scorm_inspect --json`` prints."""
        return {"version": self.version, "title": self.title, "scos": [sco.as_dict() for sco in self.scos],
                "errors": list(self.errors)}


class _Element:
    __slots__ = ("tag", "attrib", "children", "text")

    def __init__(self, tag: str, attrib: dict):
        self.tag, self.attrib, self.children, self.text = tag, attrib, [], []


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _find_all(element: _Element, name: str) -> list[_Element]:
    return [child for child in element.children if _local(child.tag) == name]


def _find(element: _Element | None, name: str) -> _Element | None:
    if element is None:
        return None
    return next(iter(_find_all(element, name)), None)


def _text(element: _Element | None) -> str:
    return " ".join("".join(element.text).split()) if element is not None else ""


def _attribute(element: _Element, name: str) -> str:
    """An attribute by its local name, whatever its namespace or case (``scormtype`` / ``scormType``)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value.strip()
    return ""


def _utf8(data: bytes) -> bytes:
    """Expat reads UTF-8/16 and Latin-1 only; a manifest declared in another encoding (windows-1251) is recoded."""
    declared = _DECLARED_ENCODING.match(data[:200])
    if declared is None or declared.group(2).decode("ascii").lower() in _EXPAT_ENCODINGS:
        return data
    try:
        text = data.decode(declared.group(2).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        raise ArchiveRefused(_("The manifest imsmanifest.xml is in an unknown encoding «%(encoding)s». Save it as "
                               "UTF-8.") % {"encoding": declared.group(2).decode("ascii")}) from None
    return _DECLARED_ENCODING.sub(rb"\g<1>UTF-8\g<3>", text.encode("utf-8"), count=1)


def parse_manifest(data: bytes) -> tuple[_Element, set[str]]:
    """The root element of a manifest and every namespace it declares; ``ArchiveRefused`` for unsafe XML."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    namespaces: set[str] = set()
    stack: list[_Element] = []
    root: list[_Element] = []
    count = [0]

    def start(tag, attributes):
        count[0] += 1
        if count[0] > MAX_MANIFEST_ELEMENTS or len(stack) >= MAX_MANIFEST_DEPTH:
            raise ArchiveRefused(_("The manifest imsmanifest.xml is refused: it has more than %(elements)d "
                                   "elements or elements nested deeper than %(depth)d.")
                                 % {"elements": MAX_MANIFEST_ELEMENTS, "depth": MAX_MANIFEST_DEPTH})
        element = _Element("{" + tag if "}" in tag else tag,
                           {("{" + key if "}" in key else key): value for key, value in attributes.items()})
        (stack[-1].children if stack else root).append(element)
        stack.append(element)

    def end(_tag):
        stack.pop()

    def data_handler(text):
        if stack:
            stack[-1].text.append(text)

    def refuse_doctype(*_args):
        raise ArchiveRefused(_("The manifest imsmanifest.xml is refused: it has a DOCTYPE declaration, and such "
                               "files are not accepted (they hide «XML bombs» and links to other files). Export "
                               "the package again."))

    def refuse_entity(*_args):
        raise ArchiveRefused(_("The manifest imsmanifest.xml is refused: it declares XML entities, and such files "
                               "are not accepted."))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data_handler
    parser.StartNamespaceDeclHandler = lambda _prefix, uri: namespaces.add(uri or "")
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(_utf8(data), True)
    except expat.ExpatError as exc:
        raise ArchiveRefused(_("The manifest imsmanifest.xml is not well-formed XML (line %(line)d, column "
                               "%(column)d). Export the package again.")
                             % {"line": exc.lineno, "column": exc.offset + 1}) from None
    if not root or _local(root[0].tag) != "manifest":
        raise ArchiveRefused(_("The file imsmanifest.xml is not a package manifest: its root element is not "
                               "<manifest>."))
    return root[0], namespaces


def detect_version(manifest: _Element, namespaces: set[str]) -> str | None:
    schemaversion = _text(_find(_find(manifest, "metadata"), "schemaversion"))
    if schemaversion:
        if schemaversion.strip() == "1.2":
            return VERSION_12
        if schemaversion.upper().replace(" ", "") in ("CAM1.3", "1.3"):
            return VERSION_2004_2ND
        edition = _SCHEMAVERSION_2004.search(schemaversion)
        if edition:
            return _EDITION[edition.group(1).lower()]
    lowered = {uri.lower().rstrip("/") for uri in namespaces}
    if any(uri.endswith(("adlcp_rootv1p2", "imscp_rootv1p1p2")) for uri in lowered):
        return VERSION_12
    if any(uri.endswith(("adlcp_v1p3", "adlseq_v1p3", "adlnav_v1p3", "imsss")) for uri in lowered):
        return VERSION_2004_3RD
    return None


def _join_base(*parts: str) -> str:
    """``xml:base`` values and an href joined as relative URLs (an absolute URL wins)."""
    joined = ""
    for part in parts:
        if not part:
            continue
        if urlsplit(part).scheme or part.startswith("/"):
            joined = part
        else:
            joined = (joined if not joined or joined.endswith("/") else joined + "/") + part
    return joined


def with_parameters(href: str, parameters: str) -> str:
    """The launch address with an item's ``parameters``, joined as the IMS CP / SCORM CAM rules say."""
    parameters = parameters.strip()
    if not parameters:
        return href
    if parameters.startswith("#"):
        return href if "#" in href else href + parameters
    parameters = parameters.lstrip("?&")
    return f"{href}{'&' if '?' in href else '?'}{parameters}" if parameters else href


def _member_path(href: str) -> str | None:
    """The zip member an href points at, or None when it points outside the package."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("/"):
        return None
    path = posixpath.normpath(unquote(parts.path))
    if path.startswith("../") or path == ".." or path.startswith("/"):
        return None
    return path


class _Reader:
    def __init__(self, manifest: _Element, listing: ArchiveListing, check: PackageCheck):
        self.listing, self.check = listing, check
        resources_element = _find(manifest, "resources")
        self.base = _join_base(manifest.attrib.get(XML_BASE, ""), (resources_element.attrib.get(XML_BASE, "")
                                                                   if resources_element is not None else ""))
        self.resources = {_attribute(resource, "identifier"): resource
                          for resource in (_find_all(resources_element, "resource")
                                           if resources_element is not None else [])}

    def read_files(self) -> None:
        seen = set()
        for identifier, resource in self.resources.items():
            base = _join_base(self.base, resource.attrib.get(XML_BASE, ""))
            for file_element in _find_all(resource, "file"):
                href = _attribute(file_element, "href")
                if not href:
                    continue
                path = _member_path(_join_base(base, href))
                if path is None or path in seen:
                    continue
                seen.add(path)
                self.check.files.append(path)
                if path not in self.listing:
                    self.check.missing_files.append(path)
            for dependency in _find_all(resource, "dependency"):
                ref = _attribute(dependency, "identifierref")
                if ref and ref not in self.resources:
                    self.check.warnings.append(_("The resource «%(resource)s» depends on «%(ref)s», which the "
                                                 "manifest does not describe.")
                                               % {"resource": identifier, "ref": ref})

    def read_item(self, element: _Element) -> PackageItem:
        item = PackageItem(identifier=_attribute(element, "identifier"), title=_text(_find(element, "title")))
        ref = _attribute(element, "identifierref")
        if ref:
            self._resolve(item, element, ref)
        item.children = [self.read_item(child) for child in _find_all(element, "item")]
        item.run_time = _run_time_figures(element, item, self.check)
        return item

    def _resolve(self, item: PackageItem, element: _Element, ref: str) -> None:
        resource = self.resources.get(ref)
        if resource is None:
            self.check.errors.append(_("The item «%(item)s» refers to the resource «%(ref)s», which the manifest "
                                       "does not describe.") % {"item": item.title or item.identifier, "ref": ref})
            return
        item.resource = ref
        item.is_sco = _attribute(resource, "scormtype").lower() == "sco"
        href = _attribute(resource, "href")
        if not href:
            if item.is_sco:
                self.check.errors.append(_("The learning object «%(item)s» has no launch file (the resource "
                                           "«%(ref)s» has no href).") % {"item": item.title or item.identifier,
                                                                        "ref": ref})
            return
        address = _join_base(self.base, resource.attrib.get(XML_BASE, ""), href)
        path = _member_path(address)
        if path is None:
            self.check.errors.append(_("The launch address «%(href)s» of «%(item)s» lies outside the package.")
                                     % {"href": address, "item": item.title or item.identifier})
            return
        if path not in self.listing:
            self.check.errors.append(_("The launch file «%(path)s» of «%(item)s» is missing from the archive.")
                                     % {"path": path, "item": item.title or item.identifier})
            return
        query_and_fragment = address[len(urlsplit(address).path):] if urlsplit(address).path else ""
        item.launch = with_parameters(path + query_and_fragment, _attribute(element, "parameters"))


_FIGURE = re.compile(r"-?\d+(\.\d+)?")


def _run_time_figures(element: _Element, item: PackageItem, check: PackageCheck) -> dict[str, str]:
    """What an item's manifest entry says the SCO is given at launch (courses/packages/cmi.initial_elements) and
    what the LMS judges its statuses by (cmi.apply_thresholds):

    * ``adlcp:masteryscore`` (1.2, 0-100) -> ``mastery_score``; ``adlcp:datafromlms`` / ``adlcp:dataFromLMS``
      -> ``launch_data`` (text as written);
    * ``adlcp:completionThreshold`` (2004): its text in the 3rd edition; in the 4th, ``minProgressMeasure`` (1.0 when
      absent) when ``completedByMeasure="true"``, the case where the CAM says the measure decides completion ->
      ``completion_threshold`` (0-1);
    * ``imsss:sequencing/imsss:objectives/imsss:primaryObjective`` with ``satisfiedByMeasure="true"``: its
      ``imsss:minNormalizedMeasure`` (1.0 when absent) -> ``scaled_passing_score`` (-1..1). Sequencing shared
      through ``IDRef`` to a sequencing collection is not followed.
    A figure that is not a number in its range is left out, with a warning."""
    figures: dict[str, str] = {}
    launch_data = _find(element, "datafromlms")
    if launch_data is not None:
        figures["launch_data"] = "".join(launch_data.text).strip()
    candidates = [("mastery_score", _text(_find(element, "masteryscore")), 0, 100)]
    threshold = _find(element, "completionthreshold")
    if threshold is not None:
        value = _text(threshold)
        if not value and _attribute(threshold, "completedbymeasure").lower() == "true":
            value = _attribute(threshold, "minprogressmeasure") or "1.0"
        candidates.append(("completion_threshold", value, 0, 1))
    primary = _find(_find(_find(element, "sequencing"), "objectives"), "primaryobjective")
    if primary is not None and _attribute(primary, "satisfiedbymeasure").lower() == "true":
        candidates.append(("scaled_passing_score", _text(_find(primary, "minnormalizedmeasure")) or "1.0", -1, 1))
    for key, value, low, high in candidates:
        if not value:
            continue
        if _FIGURE.fullmatch(value) and low <= float(value) <= high:
            figures[key] = value
        else:
            check.warnings.append(_("The item «%(item)s» gives «%(value)s» for %(figure)s, which is not a number from "
                                    "%(low)s to %(high)s; it is not used.")
                                  % {"item": item.title or item.identifier, "value": value, "figure": key,
                                     "low": low, "high": high})
    return figures


def _collect_scos(items: list[PackageItem], into: list[Sco]) -> None:
    for item in items:
        if item.is_sco and item.launch:
            into.append(Sco(identifier=item.identifier, title=item.title, launch=item.launch, resource=item.resource,
                            run_time=dict(item.run_time)))
        _collect_scos(item.children, into)


def _no_manifest_reason(listing: ArchiveListing) -> str:
    nested = sorted((name for name in listing.members if posixpath.basename(name).lower() == MANIFEST_NAME),
                    key=lambda name: name.count("/"))
    if nested:
        return (_("The file imsmanifest.xml is not at the root of the archive but in the folder «%(folder)s». "
                  "Pack the contents of the folder, not the folder itself.")
                % {"folder": posixpath.dirname(nested[0])})
    if any(name.lower().endswith(AICC_EXTENSIONS) for name in listing.members):
        return _("This is an AICC package (.crs, .au, .des, .cst files without imsmanifest.xml). The platform "
                 "plays SCORM 1.2 and SCORM 2004: export the course from the authoring tool as SCORM.")
    return _("The archive has no imsmanifest.xml at its root: this is not a SCORM package. Export the course "
             "from the authoring tool as SCORM 1.2 or SCORM 2004.")


def check_package(source: str | BinaryIO, limits: ArchiveLimits | None = None) -> PackageCheck:
    """Check the zip at ``source`` (a path or a binary file object); nothing is written anywhere."""
    check = PackageCheck()
    try:
        with open_archive(source) as archive:
            listing = list_members(archive, limits)
            check.member_count, check.total_bytes = len(listing.members), listing.total_bytes
            manifest_info = listing.members.get(MANIFEST_NAME) or next(
                (info for name, info in listing.members.items() if name.lower() == MANIFEST_NAME), None)
            if manifest_info is None:
                check.errors.append(_no_manifest_reason(listing))
                return check
            manifest, namespaces = parse_manifest(read_member(archive, manifest_info, MAX_MANIFEST_BYTES))
    except ArchiveRefused as refusal:
        check.errors.append(str(refusal))
        return check
    _read_structure(check, manifest, namespaces, listing)
    return check


def _read_structure(check: PackageCheck, manifest: _Element, namespaces: set[str], listing: ArchiveListing) -> None:
    check.version = detect_version(manifest, namespaces)
    if check.version is None:
        check.errors.append(_("The SCORM version cannot be told from imsmanifest.xml (no <schemaversion> and no "
                              "SCORM namespaces). Export the course as SCORM 1.2 or SCORM 2004."))
    reader = _Reader(manifest, listing, check)
    reader.read_files()
    organizations = _find(manifest, "organizations")
    found = _find_all(organizations, "organization") if organizations is not None else []
    if not found:
        check.errors.append(_("The manifest describes no organization (table of contents): there is nothing to "
                              "play."))
        return
    default = _attribute(organizations, "default")
    organization = next((element for element in found if _attribute(element, "identifier") == default), found[0])
    check.organization = _attribute(organization, "identifier")
    check.title = _text(_find(organization, "title")) or _attribute(manifest, "identifier")
    check.items = [reader.read_item(element) for element in _find_all(organization, "item")]
    if not check.items:
        check.errors.append(_("The organization «%(title)s» has no items.") % {"title": check.title})
        return
    _collect_scos(check.items, check.scos)
    if not check.scos and not check.errors:
        check.errors.append(_("The package has no SCO (a resource with adlcp:scormType=\"sco\"): there is nothing "
                              "the platform could track."))
    if check.missing_files:
        check.warnings.append(_("Files listed in the manifest are missing from the archive: %(files)s.")
                              % {"files": ", ".join(check.missing_files[:10])})
