from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's users app, with user screens that show our profile fields."""

    user_viewset = "lms.accounts.wagtail_users.UserViewSet"
