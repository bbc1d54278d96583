"""H5P in lessons: an uploaded ``.h5p`` file (checked, then stored unpacked under ``h5p/<id>/``) played by
h5p-standalone inside a lesson's ``H5PBlock``; the player's xAPI statements are posted back, checked and kept, and
the top-level scored ``completed``/``answered`` statement completes the block for the learner.

``check`` reads the file, ``services`` store it and record statements, ``xapi`` checks a statement, ``progress``
tells the lesson page and ``courses.services.lesson_complete`` whether a lesson's required H5P blocks are done,
``views`` serve the content and take statements. The models are models of the ``courses`` app.
"""
