"""Quizzes: a sub-package of the `courses` app (same app label, same tables).

The question bank (categories and versioned questions, `question_bank`), the question exchange formats (GIFT and
Moodle XML, `formats`), quiz pages with Moodle's settings and attempts that freeze the questions they served
(`models`), the rules of attempts (`services`), grading of every question type (`grading`), item analysis, the
learner's quiz pages (`views`, `page_context`) and the trainer's screens in the Wagtail admin (`admin`:
question bank, import with a preview, essay grading, results and item analysis reports).

Imports run one way: quiz code uses the course services (enrolment, progress); the course code hears of quiz
results only through the progress contribution this package registers (`progress.quiz_progress`, see
`courses.completion`).
"""
