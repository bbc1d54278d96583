from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/notifications/", views.profile_notifications, name="profile_notifications"),
    path("profile/data/", views.personal_data, name="personal_data"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Log-in codes are off (passwords only), but allauth still routes its «confirm it's you by a code» pages, whose
    # form is labelled in English («Recipient»): confirming goes through the password form instead.
    path("reauthenticate/code/", RedirectView.as_view(pattern_name="account_reauthenticate", query_string=True)),
    path("reauthenticate/code/confirm/", RedirectView.as_view(pattern_name="account_reauthenticate",
                                                              query_string=True)),
]
