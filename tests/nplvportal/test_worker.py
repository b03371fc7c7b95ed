"""A real Celery worker process picks up work from the database-backed queue, exactly once."""

import pytest
from post_office.models import STATUS, Email

from accounts import services
from accounts.models import Role
from tests.factories import MunicipalityFactory
from tests.worker import wait_for

pytestmark = pytest.mark.worker


def test_invitation_mail_is_sent_by_a_real_worker(celery_worker_process):
    municipality = MunicipalityFactory()
    user, _link = services.invite_user(email="nieuw@gemeente.nl", role=Role.OFFICER, municipality=municipality, by=None)
    email = Email.objects.get(to=user.email)
    wait_for(
        lambda: Email.objects.get(pk=email.pk).status == STATUS.sent,
        worker=celery_worker_process,
        what="the invitation e-mail to be sent",
    )
    assert Email.objects.filter(status=STATUS.sent).count() == 1
    assert "accounts.tasks.send_queued_emails" in celery_worker_process.output()
