"""Invitation e-mails go through a real Celery worker process on Redis, reading the PostgreSQL test database."""

import re
import time

import pytest
from django.db import transaction

from lms.accounts.models import Invitation, hash_token
from lms.accounts.services import invitation_create
from lms.accounts.tasks import send_invitation_task
from tests.factories import LibraryFactory

# One Celery worker for the whole run: in a parallel run (--dist loadgroup) these tests go to one test worker.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery_worker")]

LINK = re.compile(r"https?://\S+/accounts/invitation/(?P<token>[^/\s]+)/")


def wait_until(condition, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached after {timeout:.0f} s")
        time.sleep(0.1)


def test_worker_sends_the_invitation_once(live_celery):
    worker = live_celery
    address = "new.librarian@example.org"
    library = LibraryFactory()

    with transaction.atomic():
        invitation = invitation_create(
            email="  New.Librarian@Example.org ", last_name="Сидорова", first_name="Анна", patronymic="Ивановна",
            library=library, position="библиограф", invited_by=None,
        )
        # Published only on commit: the worker must not look for a row that is not there yet.
        assert worker.messages_to(address) == []

    message = worker.wait_for_message_to(address, timeout=20)
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = LINK.search(body)
    assert match, f"no invitation link in the e-mail:\n{body}"
    assert address in body

    # The worker saves sent_at in the transaction that sends the mail: the file may appear just before the commit.
    sent = wait_until(
        lambda: Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=False).first(),
        timeout=10, what="Invitation.sent_at set by the worker",
    )
    assert sent.expires_at is not None and sent.expires_at > sent.sent_at
    assert sent.token_hash == hash_token(match["token"]), "the link in the e-mail is not the invitation's token"
    worker.wait_for_log(r"send_invitation_task\[[0-9a-f-]+\] succeeded in [0-9.]+s: True")
    mail_count = len(worker.messages())

    # Running the task again through the worker sends nothing and keeps the token.
    result = send_invitation_task.delay(invitation.pk)
    worker.wait_for_log(rf"send_invitation_task\[{re.escape(result.id)}\] succeeded in [0-9.]+s: False")
    assert len(worker.messages()) == mail_count
    assert len(worker.messages_to(address)) == 1
    again = Invitation.objects.get(pk=invitation.pk)
    assert (again.sent_at, again.token_hash, again.expires_at) == (sent.sent_at, sent.token_hash, sent.expires_at)


def test_a_rolled_back_invitation_is_never_sent(live_celery):
    worker = live_celery
    address = "rolled.back@example.org"

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        invitation_create(email=address, last_name="Петрова", first_name="Ольга", library=None, invited_by=None)
        raise Abort

    # A task published afterwards is handled after anything the rollback could have queued (solo pool, one queue).
    marker = send_invitation_task.delay(0)
    worker.wait_for_log(rf"send_invitation_task\[{re.escape(marker.id)}\] succeeded in [0-9.]+s: False")
    assert worker.messages_to(address) == []
    assert not Invitation.objects.filter(user__email=address).exists()
