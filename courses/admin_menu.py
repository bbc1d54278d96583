"""The «Обучение» submenu of the Wagtail admin: its hook name and the item shown to those who manage a course.
Shared by the course and the quiz admin hooks."""

from wagtail.admin.menu import MenuItem

from . import selectors

LEARNING_MENU_HOOK = "register_learning_menu_item"


class CourseManagerMenuItem(MenuItem):
    """Shown to administrators and to trainers of at least one course."""

    def is_shown(self, request):
        # The menu is drawn on every admin page, and both items ask: one query per request at most.
        if not hasattr(request, "_manages_any_course"):
            request._manages_any_course = selectors.user_manages_any_course(request.user)
        return request._manages_any_course
