from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from lms.libraries.selectors import library_choices

from .validators import normalize_name, validate_person_name


class LibraryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, library):
        return f"{library.short_name} ({library.municipality})"


class PersonNameField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 150)
        super().__init__(*args, validators=[validate_person_name], **kwargs)

    def to_python(self, value):
        return normalize_name(super().to_python(value))


class ProfileFieldsMixin(forms.Form):
    last_name = PersonNameField(label=_("Surname"), widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    first_name = PersonNameField(label=_("First name"), widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    patronymic = PersonNameField(label=_("Patronymic"), required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "additional-name"}))
    library = LibraryChoiceField(label=_("Library"), queryset=library_choices(), empty_label=_("— choose —"))
    position = forms.CharField(label=_("Position"), max_length=200,
                               widget=forms.TextInput(attrs={"autocomplete": "organization-title"}))

    def clean_position(self):
        return " ".join(self.cleaned_data["position"].split())


class ConsentField(forms.BooleanField):
    def __init__(self, **kwargs):
        from django.conf import settings
        from django.utils.text import format_lazy

        super().__init__(
            label=_("I consent to the processing of my personal data (Federal Law 152-FZ) for training purposes."),
            # the help text is shown as HTML (form_fields.html); both parts are ours, not the user's
            help_text=format_lazy('<a href="{}">{}</a>', settings.PERSONAL_DATA_POLICY_URL, _("Text of the consent")),
            required=True,
            error_messages={"required": _("Consent is required to use the platform.")},
            **kwargs,
        )


class SignupProfileForm(ProfileFieldsMixin):
    """Extra sign-up fields; allauth builds its sign-up form on top of this class."""

    consent = ConsentField()

    field_order = ["email", "last_name", "first_name", "patronymic", "library", "position", "password1",
                   "password2", "consent"]

    def signup(self, request, user):
        # The profile is saved by the account adapter, inside the same transaction as the user.
        pass


class ProfileForm(ProfileFieldsMixin):
    pass


class NotificationPreferencesForm(forms.Form):
    """One tick per kind of notice that concerns the person (lms.accounts.selectors.notice_kinds_for)."""

    def __init__(self, *args, kinds: list[str], **kwargs):
        from .models import NotificationPreference

        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = forms.BooleanField(label=NotificationPreference.Kind(kind).label, required=False)


class InvitationAcceptForm(forms.Form):
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password (again)"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    consent = ConsentField()

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif cleaned.get("password1"):
            try:
                password_validation.validate_password(cleaned["password1"], self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class InviteForm(ProfileFieldsMixin):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"))

    field_order = ["last_name", "first_name", "patronymic", "email", "library", "position", "role"]

    def __init__(self, *args, **kwargs):
        from .roles import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices
        self.fields["role"].initial = Role.LEARNER


class StaffImportForm(forms.Form):
    file = forms.FileField(label=_("Staff list (CSV or XLSX)"),
                           help_text=_("Columns: ФИО, E-mail, Библиотека, Должность. At most 5 MB."))
    deactivate_missing = forms.BooleanField(
        label=_("Deactivate the accounts of people of the listed libraries who are missing from the list"),
        help_text=_("Only the libraries present in the file are concerned. Your own account and the accounts of "
                    "administrators, trainers and library heads are never deactivated by a list. You will see "
                    "everyone concerned before anything is changed."),
        required=False)
