from django.urls import path

from . import views

app_name = "internships"

urlpatterns = [
    path("internships/", views.topic_list, name="topics"),
    path("internships/open.ics", views.public_feed, name="public_feed"),
    path("internships/feed/<str:token>.ics", views.personal_feed, name="personal_feed"),
    path("internships/feed/renew/", views.feed_renew, name="feed_renew"),
    path("internships/topics/<int:pk>/interest/", views.topic_interest, name="interest"),
    path("internships/sessions/<int:pk>/", views.session_page, name="session"),
    path("internships/sessions/<int:pk>/request/", views.session_request, name="request"),
    path("internships/sessions/<int:pk>/nominate/", views.session_nominate, name="nominate"),
    path("internships/my/", views.my_bookings, name="my"),
    path("internships/bookings/<int:pk>/cancel/", views.booking_cancel, name="cancel"),
    path("internships/bookings/<int:pk>/confirm/", views.booking_confirm, name="confirm"),
    path("internships/bookings/<int:pk>/report/", views.booking_report, name="report"),
    path("internships/bookings/<int:pk>/report/download/", views.booking_report_download, name="report_download"),
    path("internships/bookings/<int:pk>/invite.ics", views.booking_ics, name="ics"),
    path("internships/staff/", views.staff_requests, name="staff_requests"),
    path("internships/staff/<int:pk>/decide/", views.staff_decide, name="staff_decide"),
]
