from django.conf import settings


def site_shell(request):
    """What the header and footer of every page need; no database query here (menus are a template tag)."""
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": settings.SITE_URL,
        "personal_data_url": settings.PERSONAL_DATA_POLICY_URL,
    }
