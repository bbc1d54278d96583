"""Static files taken from npm packages: the SCORM run-time API (scorm-again) and the H5P player (h5p-standalone),
pinned in package.json and installed into node_modules by scripts/bootstrap.sh (``npm ci --ignore-scripts``).

Only the files a page loads are served, under ``static/vendor/<package>/``: a package's folder also holds source
maps, ES modules and type declarations nobody should download (scorm-again's is 18 MB). ``collectstatic`` copies
them like any other static file, so production serves them through whitenoise, never from a CDN. Files listed here
but not installed make a system check error naming the command to run.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

# URL folder under static/ -> (folder in node_modules, files or folders under it to serve)
VENDORED = {
    # The source maps too: each minified file names its map, and the production static storage (whitenoise's
    # manifest) refuses to collect a file whose reference it cannot find. Only browser tools download them.
    "vendor/scorm-again": ("scorm-again/dist", ["scorm-again.min.js", "scorm12.min.js", "scorm2004.min.js",
                                                "scorm-again.min.js.map", "scorm12.min.js.map",
                                                "scorm2004.min.js.map"]),
    "vendor/h5p-standalone": ("h5p-standalone/dist", ["main.bundle.js", "frame.bundle.js", "styles", "fonts",
                                                      "images"]),
}


def node_modules() -> Path:
    return Path(settings.BASE_DIR) / "node_modules"


class NpmVendorFinder(BaseFinder):
    """Finds the listed files of npm packages under their ``vendor/`` prefix."""

    def _entries(self):
        for prefix, (folder, names) in VENDORED.items():
            root = node_modules() / folder
            for name in names:
                yield prefix, root, name

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)
        found = []
        for prefix, root, name in self._entries():
            own = f"{prefix}/{name}"
            if path == own or path.startswith(own + "/"):
                candidate = (root / path[len(prefix) + 1:]).resolve()
                if candidate.is_file() and candidate.is_relative_to(root.resolve()):
                    if not find_all:
                        return str(candidate)
                    found.append(str(candidate))
        return found

    def list(self, ignore_patterns):
        for prefix, root, name in self._entries():
            target = root / name
            if not target.exists():
                continue
            storage = FileSystemStorage(location=str(root))
            storage.prefix = prefix
            if target.is_file():
                yield name, storage
            else:
                for path in utils.get_files(storage, ignore_patterns, location=name):
                    yield path, storage

    def check(self, **kwargs):
        missing = [f"{folder}/{name}" for _prefix, (folder, names) in VENDORED.items() for name in names
                   if not (node_modules() / folder / name).exists()]
        if missing:
            return [Error(
                f"The player files from npm are not installed: {', '.join(missing)}.",
                hint="Run ./scripts/bootstrap.sh (or `npm ci --ignore-scripts` in the project folder).",
                id="lms.E001")]
        return []
