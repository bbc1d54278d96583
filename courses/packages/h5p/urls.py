"""Addresses of the H5P player's files and statements (included in the ``courses`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    # The folder itself is the player's h5pJsonPath; the files are below it.
    path("learning/h5p/<int:lesson_id>/<int:content_id>/", views.h5p_file, name="h5p_content"),
    path("learning/h5p/<int:lesson_id>/<int:content_id>/<path:path>", views.h5p_file, name="h5p_file"),
    path("lessons/<int:lesson_id>/h5p/<str:block_id>/statements/", views.h5p_statement, name="h5p_statement"),
]
