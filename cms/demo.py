"""The demo site: what `seed_demo` builds. Everything goes through the services; running it twice changes nothing."""

from dataclasses import dataclass

from django.db import transaction
from wagtail.models import GroupPagePermission, Page, Site

from certificates.demo import compliance_demo_seed, rating_demo_seed
from lms.accounts.models import User
from lms.accounts.roles import Role, role_group
from lms.accounts.services import user_create
from lms.internships.demo import internships_demo_seed
from lms.libraries.models import Library
from lms.libraries.services import library_directory_seed

from .demo_courses import demo_courses_seed
from .demo_external import external_training_demo_seed
from .demo_h5p import h5p_demo_seed
from .demo_recertification import recertification_demo_seed
from .demo_scorm import scorm_demo_seed
from .models import HomePage, SiteSettings, StandardPage

DEMO_PASSWORD = "kuzbass-demo-2026"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    last_name: str
    first_name: str
    patronymic: str
    library_code: str
    position: str
    role: str


DEMO_PEOPLE = [
    DemoPerson("admin@demo.kuzbass-lms.ru", "Соколова", "Елена", "Викторовна", "onb",
               "заведующая научно-методическим отделом", Role.ADMINISTRATOR),
    DemoPerson("trainer@demo.kuzbass-lms.ru", "Васильев", "Андрей", "Николаевич", "onb",
               "методист научно-методического отдела", Role.TRAINER),
    DemoPerson("head@demo.kuzbass-lms.ru", "Кузнецова", "Ольга", "Ивановна", "cbs-topkinsky",
               "директор ЦБС", Role.LIBRARY_HEAD),
    DemoPerson("learner@demo.kuzbass-lms.ru", "Иванова", "Мария", "Петровна", "cbs-topkinsky",
               "библиотекарь отдела обслуживания", Role.LEARNER),
    DemoPerson("learner2@demo.kuzbass-lms.ru", "Петров", "Сергей", "Александрович", "cbs-novokuznetsk",
               "ведущий библиограф", Role.LEARNER),
    DemoPerson("learner3@demo.kuzbass-lms.ru", "Морозова", "Наталья", "Сергеевна", "cbs-kemerovsky",
               "заведующая сельской библиотекой", Role.LEARNER),
    DemoPerson("learner4@demo.kuzbass-lms.ru", "Фёдорова", "Анна", "Михайловна", "cbs-topkinsky",
               "библиотекарь", Role.LEARNER),
]

HOME_INTRO = (
    "<p>Дистанционное обучение специалистов библиотек Кемеровской области по «Программе непрерывного "
    "образования»: курсы, тесты, стажировки в ОНБ им. В.Д. Федорова и документы об обучении в одном месте.</p>"
)

ABOUT_BODY = [
    ("paragraph",
     "<p>Совет директоров государственных и муниципальных библиотек Кемеровской области решил внедрить систему "
     "дистанционного обучения на местах и разработать среднесрочную «Программу непрерывного образования "
     "специалистов библиотек Кемеровской области».</p>"),
    ("callout", {"kind": "info", "text": "<p>Сотрудники библиотек — участниц Электронной (Виртуальной) библиотеки "
                                         "Кузбасса проходят обязательную стажировку в ОНБ им. В.Д. Федорова.</p>"}),
]


@dataclass
class DemoResult:
    logins: list[tuple[str, str, str]]
    changed: int


def _home_page() -> tuple[HomePage, int]:
    home = HomePage.objects.first()
    if home is not None:
        return home, 0
    root = Page.get_first_root_node()
    # Wagtail's own welcome page (made by its migrations) gives way to ours.
    welcome = Page.objects.child_of(root).filter(slug="home").first()
    if welcome is not None:
        welcome.slug = "wagtail-welcome"
        welcome.save(update_fields=["slug"], clean=False)
    home = HomePage(title="Обучение библиотекарей Кузбасса", slug="home", intro=HOME_INTRO)
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                            site_name="Обучение библиотекарей Кузбасса")
    else:
        site.root_page, site.site_name = home, "Обучение библиотекарей Кузбасса"
        site.save()
    if welcome is not None and welcome.specific_class is Page:
        welcome.delete()
    return home, 1


def _about_page(home: HomePage) -> int:
    if StandardPage.objects.child_of(home).filter(slug="about").exists():
        return 0
    about = StandardPage(title="О программе", slug="about", show_in_menus=True,
                         intro="Программа непрерывного образования специалистов библиотек Кемеровской области.",
                         body=ABOUT_BODY)
    home.add_child(instance=about)
    about.save_revision().publish()
    return 1


CONSENT_BODY = [
    ("paragraph",
     "<p>Регистрируясь на платформе или принимая приглашение, я даю ГАУК «Кемеровская областная научная "
     "библиотека им. В.Д. Федорова» согласие на обработку моих персональных данных: фамилии, имени, отчества, "
     "адреса электронной почты, места работы и должности, сведений об обучении, стажировках и выданных "
     "документах, — в целях организации обучения и учёта повышения квалификации, в соответствии с Федеральным "
     "законом от 27.07.2006 № 152-ФЗ «О персональных данных».</p>"
     "<p>Согласие действует до его отзыва. Отозвать согласие можно, написав администратору платформы. "
     "Сведения, которые платформа хранит обо мне, я могу скачать в своём профиле.</p>"),
]


def _consent_page(home: HomePage) -> int:
    if StandardPage.objects.child_of(home).filter(slug="personal-data").exists():
        return 0
    page = StandardPage(title="Согласие на обработку персональных данных", slug="personal-data",
                        intro="Текст согласия, версия 2026-11.", body=CONSENT_BODY)
    home.add_child(instance=page)
    page.save_revision().publish()
    return 1


def _administrator_page_permissions(home: HomePage) -> None:
    group = role_group(Role.ADMINISTRATOR)
    for codename in ("add_page", "change_page", "publish_page", "delete_page"):
        GroupPagePermission.objects.get_or_create(
            group=group, page=home, permission=_page_permission(codename)
        )


def _page_permission(codename: str):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def _site_settings(home: HomePage) -> None:
    site = Site.objects.get(root_page=home)
    SiteSettings.objects.get_or_create(site=site, defaults={
        "contact_email": "metod@demo.kuzbass-lms.ru",
        "address": "г. Кемерово",
    })


def _people() -> int:
    created = 0
    libraries = {library.code: library for library in Library.objects.all()}
    for person in DEMO_PEOPLE:
        if User.objects.filter(email=person.email).exists():
            continue
        user_create(email=person.email, password=DEMO_PASSWORD, last_name=person.last_name,
                    first_name=person.first_name, patronymic=person.patronymic,
                    library=libraries[person.library_code], position=person.position, role=person.role)
        created += 1
    return created


@transaction.atomic
def demo_seed() -> DemoResult:
    changed = library_directory_seed()
    home, home_changed = _home_page()
    changed += home_changed + _about_page(home) + _consent_page(home)
    _administrator_page_permissions(home)
    _site_settings(home)
    changed += _people()
    changed += demo_courses_seed(home)
    changed += scorm_demo_seed()  # after the courses' quizzes: the SCORM lesson goes before the final quiz
    changed += internships_demo_seed(password=DEMO_PASSWORD)
    changed += recertification_demo_seed()
    changed += external_training_demo_seed()
    changed += rating_demo_seed(password=DEMO_PASSWORD)
    changed += compliance_demo_seed()  # after courses and internships: it completes the course for those done with
    #                                    the internship
    changed += h5p_demo_seed()  # after the demo learners' progress: the new lesson leaves their stages as described
    logins = [(p.email, DEMO_PASSWORD, Role(p.role).label) for p in DEMO_PEOPLE]
    return DemoResult(logins=logins, changed=changed)
