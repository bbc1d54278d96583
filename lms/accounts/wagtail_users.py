"""Wagtail's user screens with our profile fields (patronymic, library, position), and the «Обезличить» action."""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets.button import Button
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

PROFILE_FIELDS = ("patronymic", "library", "position")
# The anonymisation page is the certificates app's (it sees every record of a person); named, not imported.
ANONYMISE_URL_NAME = "person_anonymise"


class StaffCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(PROFILE_FIELDS)


class StaffEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(PROFILE_FIELDS)


class StaffEditView(WagtailUserEditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        actor = self.request.user
        if (actor.has_perm("accounts.change_user") and not self.editing_self
                and not self.object.is_superuser):
            buttons.append(Button(_("Anonymise"), url=reverse(ANONYMISE_URL_NAME, args=[self.object.pk]),
                                  icon_name="warning", priority=30))
        return buttons


class UserViewSet(WagtailUserViewSet):
    edit_view_class = StaffEditView

    def get_form_class(self, for_update=False):
        return StaffEditForm if for_update else StaffCreationForm
