"""Two tabs of one learner on the same SCORM attempt, on PostgreSQL (threads, one connection each): launches at
once give one attempt and one SCO state; commits at once are saved one after the other and lose nothing."""

from decimal import Decimal

import pytest
from django.db import connection

from courses import services
from courses.models import ScormAttempt, ScormInteraction, ScormScoState
from courses.packages import runtime
from tests.factories import UserFactory
from tests.factories import courses as pages
from tests.factories import scorm
from tests.helpers import run_at_once

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scorm_setup(wagtail_tree, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    course = pages.course(slug="scorm-race-course")
    lesson = scorm.scorm_lesson(course)
    learner = UserFactory()
    services.enrolment_self(user=learner, course=course)
    return lesson, learner


@pytest.fixture
def interactions_read(monkeypatch):
    """The interactions as separate rows, read from the flat elements when the check gives none itself (its first
    version leaves them out), so that the race is tested on them either way."""
    original = runtime.cmi.check_commit

    def check(version, elements):
        checked = original(version, elements)
        if not checked.interactions:
            indexes = sorted({int(name.split(".")[2]) for name in elements if name.startswith("cmi.interactions.")})
            checked.interactions = [{"index": n, "id": elements[f"cmi.interactions.{n}.id"], "type": "choice",
                                     "result": elements.get(f"cmi.interactions.{n}.result", "")} for n in indexes]
        return checked
    monkeypatch.setattr(runtime.cmi, "check_commit", check)


def test_two_tabs_launching_at_once_share_one_attempt(scorm_setup):
    lesson, learner = scorm_setup
    assert connection.vendor == "postgresql"
    outcomes = run_at_once(2, lambda i: runtime.scorm_launch(user=learner, lesson=lesson, sco_index=0))
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert len({o.attempt.pk for o in outcomes}) == 1 and sorted(o.session for o in outcomes) == [1, 2]
    assert ScormAttempt.objects.count() == 1 and ScormScoState.objects.get().sessions == 2


def test_two_tabs_committing_at_once_lose_nothing(scorm_setup, interactions_read):
    lesson, learner = scorm_setup
    tabs = [runtime.scorm_launch(user=learner, lesson=lesson, sco_index=0) for _ in range(2)]

    def commit(i: int):
        tab = tabs[i]
        return runtime.scorm_commit(user=learner, lesson=lesson, attempt_id=tab.attempt.pk, sco_index=0,
                                    session=tab.session, elements={
                                        "cmi.core.session_time": f"0000:0{i + 1}:00.00",
                                        "cmi.core.lesson_status": "incomplete",
                                        f"cmi.interactions.{i}.id": f"tab-{i}",
                                        f"cmi.interactions.{i}.result": "correct"})

    for _round in range(3):  # each tab commits its same running time again: counted once per tab
        outcomes = run_at_once(2, commit)
        assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    state = ScormScoState.objects.get()
    assert state.revision == 6 and state.total_seconds == Decimal(60 + 120)
    assert ScormAttempt.objects.get().total_seconds == Decimal(180)
    assert list(ScormInteraction.objects.order_by("index").values_list("index", "identifier")) == [
        (0, "tab-0"), (1, "tab-1")]
