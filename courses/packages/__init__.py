"""SCORM 1.2/2004 (and later H5P) packages: the package check, storage and runtime data.

A sub-package of the ``courses`` app (same app label): ``archive`` checks a zip before anything is stored,
``manifest`` reads its ``imsmanifest.xml`` (version, organization, items, SCOs, launch files).
"""
