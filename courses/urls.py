from django.urls import path

from . import quiz_views, views

app_name = "courses"

urlpatterns = [
    path("learning/", views.dashboard, name="dashboard"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:course_id>/withdraw/", views.withdraw, name="withdraw"),
    path("lessons/<int:lesson_id>/complete/", views.complete_lesson, name="complete_lesson"),
    path("quizzes/<int:quiz_id>/start/", quiz_views.start, name="quiz_start"),
    path("attempts/<int:attempt_id>/", quiz_views.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/finish/", quiz_views.attempt_finish, name="attempt_finish"),
    path("attempts/<int:attempt_id>/submit/", quiz_views.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", quiz_views.attempt_result, name="attempt_result"),
]
