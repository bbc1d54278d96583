import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from lms.accounts.models import User
from lms.accounts.roles import Role
from lms.accounts.services import role_assign
from lms.libraries.models import Library, Municipality

PASSWORD = "Verno-Slozhno-2026"


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Муниципалитет {n}")
    kind = Municipality.Kind.DISTRICT


class LibraryFactory(DjangoModelFactory):
    class Meta:
        model = Library

    code = factory.Sequence(lambda n: f"lib-{n}")
    name = factory.Sequence(lambda n: f"Библиотека № {n}")
    short_name = factory.Sequence(lambda n: f"Библиотека {n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    kind = Library.Kind.SYSTEM
    evbk_participant = False


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    last_name = "Иванова"
    first_name = "Мария"
    patronymic = "Петровна"
    position = "библиотекарь"
    library = factory.SubFactory(LibraryFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            role_assign(user=self, role=extracted or Role.LEARNER)
