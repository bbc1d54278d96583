"""The quiz actions of learners; included in courses/urls.py, so their names stay in the `courses` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("quizzes/<int:quiz_id>/start/", views.start, name="quiz_start"),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/finish/", views.attempt_finish, name="attempt_finish"),
    path("attempts/<int:attempt_id>/submit/", views.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", views.attempt_result, name="attempt_result"),
]
