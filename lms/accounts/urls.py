from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/notifications/", views.profile_notifications, name="profile_notifications"),
    path("profile/data/", views.personal_data, name="personal_data"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
