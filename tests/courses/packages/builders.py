"""SCORM test packages written on the fly (our own manifests, never copies of real ones).

``manifest_12`` / ``manifest_2004`` write a manifest from a small description of the items; ``build_zip`` packs
files (name -> bytes or str) into a zip in memory. The ``*_package`` helpers give the packages the tests use.
"""

from __future__ import annotations

import io
import stat
import zipfile
from xml.sax.saxutils import quoteattr

SCO_HTML = "<!doctype html><title>SCO</title><p>Учебный объект</p>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _items(items: list[dict], indent: str = "      ") -> str:
    out = []
    for item in items:
        ref = f" identifierref={quoteattr(item['ref'])}" if item.get("ref") else ""
        params = f" parameters={quoteattr(item['parameters'])}" if item.get("parameters") else ""
        children = _items(item.get("children", []), indent + "  ")
        # "extra": XML that follows the children (adlcp:masteryscore, adlcp:completionThreshold, imsss:sequencing)
        extra = f"{indent}  {item['extra']}\n" if item.get("extra") else ""
        out.append(f"{indent}<item identifier={quoteattr(item['id'])}{ref}{params}>\n"
                   f"{indent}  <title>{_escape(item['title'])}</title>\n{children}{extra}{indent}</item>\n")
    return "".join(out)


def _resources(resources: list[dict], type_attribute: str) -> str:
    out = []
    for resource in resources:
        href = f" href={quoteattr(resource['href'])}" if resource.get("href") else ""
        files = "".join(f"      <file href={quoteattr(name)}/>\n" for name in resource.get("files", []))
        out.append(f"    <resource identifier={quoteattr(resource['id'])} type=\"webcontent\" "
                   f"adlcp:{type_attribute}=\"{resource.get('type', 'sco')}\"{href}>\n{files}    </resource>\n")
    return "".join(out)


def manifest_12(title: str, items: list[dict], resources: list[dict], schemaversion: str | None = "1.2") -> str:
    metadata = (f"  <metadata><schema>ADL SCORM</schema><schemaversion>{schemaversion}</schemaversion></metadata>\n"
                if schemaversion else "")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest identifier="test-12" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
            'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">\n'
            f"{metadata}"
            '  <organizations default="ORG-1">\n    <organization identifier="ORG-1">\n'
            f"      <title>{_escape(title)}</title>\n{_items(items)}    </organization>\n  </organizations>\n"
            f"  <resources>\n{_resources(resources, 'scormtype')}  </resources>\n</manifest>\n")


def manifest_2004(title: str, items: list[dict], resources: list[dict],
                  schemaversion: str | None = "2004 4th Edition") -> str:
    metadata = (f"  <metadata><schema>ADL SCORM</schema><schemaversion>{schemaversion}</schemaversion></metadata>\n"
                if schemaversion else "")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest identifier="test-2004" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
            'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" '
            'xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">\n'
            f"{metadata}"
            '  <organizations default="ORG-1">\n    <organization identifier="ORG-1">\n'
            f"      <title>{_escape(title)}</title>\n{_items(items)}    </organization>\n  </organizations>\n"
            f"  <resources>\n{_resources(resources, 'scormType')}  </resources>\n</manifest>\n")


def build_zip(files: dict[str, bytes | str], symlinks: dict[str, str] | None = None,
              compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def single_sco_12() -> bytes:
    manifest = manifest_12("Основы каталогизации", [{"id": "ITEM-1", "ref": "RES-1", "title": "Урок 1"}],
                           [{"id": "RES-1", "href": "index.html", "files": ["index.html", "style.css"]}])
    return build_zip({"imsmanifest.xml": manifest, "index.html": SCO_HTML, "style.css": "p{}"})


def multi_sco_12() -> bytes:
    """Three SCOs in nested items: a module folder with two, then a final test with parameters."""
    items = [
        {"id": "MODULE-1", "title": "Модуль 1", "children": [
            {"id": "ITEM-1", "ref": "RES-1", "title": "Введение"},
            {"id": "ITEM-2", "ref": "RES-2", "title": "Практика"},
        ]},
        {"id": "ITEM-3", "ref": "RES-3", "title": "Итоговый тест", "parameters": "?mode=test"},
    ]
    resources = [
        {"id": "RES-1", "href": "sco1/index.html", "files": ["sco1/index.html"]},
        {"id": "RES-2", "href": "sco2/index.html", "files": ["sco2/index.html"]},
        {"id": "RES-3", "href": "sco3/start.html", "files": ["sco3/start.html", "shared/api.js"]},
        {"id": "RES-SHARED", "type": "asset", "files": ["shared/api.js"]},
    ]
    return build_zip({"imsmanifest.xml": manifest_12("Работа с читателями", items, resources),
                      "sco1/index.html": SCO_HTML, "sco2/index.html": SCO_HTML, "sco3/start.html": SCO_HTML,
                      "shared/api.js": "var api;"})


def sco_2004(schemaversion: str = "2004 4th Edition") -> bytes:
    manifest = manifest_2004("Электронные ресурсы", [{"id": "ITEM-1", "ref": "RES-1", "title": "Урок"}],
                             [{"id": "RES-1", "href": "content/index.html", "files": ["content/index.html"]}],
                             schemaversion=schemaversion)
    return build_zip({"imsmanifest.xml": manifest, "content/index.html": SCO_HTML})
