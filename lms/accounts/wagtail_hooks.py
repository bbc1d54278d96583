from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_staff_urls():
    return [
        path("staff/", admin_views.staff_list, name="staff_list"),
        path("staff/invite/", admin_views.invite, name="staff_invite"),
        path("staff/import/", admin_views.import_upload, name="staff_import"),
        path("staff/import/<int:pk>/", admin_views.import_preview, name="staff_import_preview"),
        path("staff/import/<int:pk>/confirm/", admin_views.import_confirm, name="staff_import_confirm"),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def staff_menu_item():
    return PermissionMenuItem(_("Library staff"), reverse("staff_list"), icon_name="group", order=200,
                              permission="accounts.view_library_staff")


@hooks.register("register_admin_menu_item")
def invite_menu_item():
    return PermissionMenuItem(_("Invite staff"), reverse("staff_invite"), icon_name="mail", order=210,
                              permission="accounts.invite_staff")


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return PermissionMenuItem(_("Import staff list"), reverse("staff_import"), icon_name="upload", order=220,
                              permission="accounts.invite_staff")


@hooks.register("register_account_menu_item")
def password_change_item(request):
    """Wagtail's own password form is off (one door in: allauth's, rate-limited); the account page points there."""
    return {"url": reverse("account_change_password"), "label": _("Change password"),
            "help_text": _("The password is changed on the site's own page, the same for every role.")}


@hooks.register("after_create_user")
@hooks.register("after_edit_user")
def rules_after_admin_saves_user(request, user):
    """An administrator changed a person in Wagtail's user screens (position, library, active): the higher layers'
    rules (mandatory courses) are applied to the person again, or a deactivated person's open courses closed."""
    from . import services

    services.user_admin_saved(user=user)
