from allauth.account.adapter import DefaultAccountAdapter

from . import services


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        return services.user_register(
            user=user,
            last_name=data["last_name"],
            first_name=data["first_name"],
            patronymic=data.get("patronymic", ""),
            library=data["library"],
            position=data["position"],
        )
