"""The SCORM player's requests; included in courses/urls.py, so their names are in the `courses` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("scorm/lessons/<int:lesson_id>/commit/", views.commit, name="scorm_commit"),
    path("scorm/lessons/<int:lesson_id>/restart/", views.restart, name="scorm_restart"),
    path("scorm/content/<int:package_id>/<path:path>", views.content, name="scorm_content"),
]
