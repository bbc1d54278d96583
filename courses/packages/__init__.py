"""SCORM 1.2/2004 (and later H5P) packages: the package check, storage and runtime data.

A sub-package of the ``courses`` app (same app label): ``archive`` checks a zip before anything is stored,
``manifest`` reads its ``imsmanifest.xml`` (version, organization, items, SCOs, launch files). ``runtime`` launches
SCOs and saves their commits (checked by ``cmi``), ``progress`` is the lessons' part in a course's progress,
``page_context`` and ``views`` are the player page, its commit endpoint and the package's files.
"""
