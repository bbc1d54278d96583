from django.urls import path

from . import external_views, views
from .packages.urls import urlpatterns as scorm_urlpatterns
from .packages.h5p.urls import urlpatterns as h5p_urlpatterns
from .quizzes.urls import urlpatterns as quiz_urlpatterns

app_name = "courses"

urlpatterns = [
    path("learning/", views.dashboard, name="dashboard"),
    path("learning/external/", external_views.my_external, name="external"),
    path("learning/external/staff/", external_views.staff_external, name="external_staff"),
    path("learning/external/<int:pk>/document/", external_views.external_document, name="external_document"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:course_id>/withdraw/", views.withdraw, name="withdraw"),
    path("lessons/<int:lesson_id>/complete/", views.complete_lesson, name="complete_lesson"),
    *scorm_urlpatterns,  # courses:scorm_commit, courses:scorm_restart, courses:scorm_content
    *h5p_urlpatterns,  # the H5P player's files and xAPI statements (courses/packages/h5p/)
    *quiz_urlpatterns,  # quiz pages keep their names in this namespace (courses:quiz_start, courses:attempt, …)
]
