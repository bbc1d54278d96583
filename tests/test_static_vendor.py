"""The vendored player files can be collected by the production static storage (whitenoise's manifest), which
refuses a file whose source map reference it cannot find: every map a vendored file names is vendored too."""

from __future__ import annotations

import re

from lms.static_vendor import VENDORED, node_modules

MAP_RE = re.compile(rb"sourceMappingURL=([^\s*]+)")


def test_every_source_map_a_vendored_file_names_is_vendored():
    checked = 0
    for _prefix, (folder, names) in VENDORED.items():
        root = node_modules() / folder
        for name in names:
            path = root / name
            if not path.is_file() or not name.endswith((".js", ".css")):
                continue
            checked += 1
            for target in MAP_RE.findall(path.read_bytes()[-2000:]):
                if not target.startswith(b"data:"):
                    assert target.decode() in names, f"{folder}/{name} names {target.decode()}, which is not served"
    assert checked >= 3  # the scorm-again files at least
