from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import services
from .forms import InvitationAcceptForm, NotificationPreferencesForm, ProfileForm
from .selectors import notice_kinds_for, notification_settings


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.user_update_profile(user=user, **form.cleaned_data)
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(initial={
            "last_name": user.last_name, "first_name": user.first_name, "patronymic": user.patronymic,
            "library": user.library_id, "position": user.position,
        })
    return render(request, "accounts/profile.html", {"form": form, **_notifications_context(user)})


def _notifications_context(user, form=None) -> dict:
    kinds = notice_kinds_for(user)
    if form is None:
        current = notification_settings(user)
        form = NotificationPreferencesForm(kinds=kinds, initial={kind: current[kind] for kind in kinds})
    return {"notifications_form": form if kinds else None}


@login_required
@require_http_methods(["POST"])
def profile_notifications(request):
    """The profile's e-mail settings: its own form, so it never touches the name or library fields."""
    form = NotificationPreferencesForm(request.POST, kinds=notice_kinds_for(request.user))
    if form.is_valid() and form.cleaned_data:
        services.notification_preferences_update(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your notification settings have been saved."))
    return redirect(reverse("accounts:profile") + "#notifications")


@login_required
def personal_data(request):
    """The old address of the download: the full export is built where every app is seen (certificates)."""
    return redirect("certificates:my_data")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password1"])
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your password is set. Welcome!"))
            return redirect("/")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invited": invitation.user})
