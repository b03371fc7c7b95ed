"""Redis down while an officer submits: the submission is saved (the database is the source of truth), and
the receipt is sent exactly once when Redis is back and the beat sweeper's ``send_queued_emails`` runs on a
real worker. The shared Redis of the machine is never touched: this test starts a private redis-server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from post_office.models import STATUS, Email, Log

from accounts.tasks import send_queued_emails
from applications.models import Status
from nplvportal.celery import app
from tests.factories import complete_application
from tests.worker import WorkerProcess, wait_for, worker_unavailable_reason

pytestmark = pytest.mark.worker


class PrivateRedis:
    """A redis-server of this test's own on a free port of 127.0.0.1, without persistence."""

    def __init__(self, directory):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _use_broker(url: str) -> None:
    """Point this process's Celery app at ``url``: new pools are made for it on the next send. The old pools
    stay open (kombu keeps them per broker URL, so a closed one would be handed to the next test)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_redis(transactional_db, tmp_path, settings, monkeypatch):
    reason = worker_unavailable_reason() or (None if shutil.which("redis-server") else "needs redis-server")
    if reason:
        pytest.skip(reason)
    redis = PrivateRedis(tmp_path)
    redis.start()
    previous = (app.conf.broker_url, app.conf.task_default_queue, app.conf.task_always_eager)
    queue = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis.url}}
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url)  # for the worker process
    monkeypatch.setenv("CACHE_URL", redis.url)
    _use_broker(redis.url)
    app.conf.task_default_queue, app.conf.task_always_eager = queue, False
    try:
        yield redis, queue
    finally:
        redis.stop()
        _use_broker(previous[0])
        app.conf.task_default_queue, app.conf.task_always_eager = previous[1], previous[2]


def test_a_submission_while_redis_is_down_is_saved_and_its_receipt_sent_once_redis_is_back(
    private_redis, officer, tmp_path
):
    redis, queue = private_redis
    application = complete_application(municipality=officer.municipality, created_by=officer)
    browser = Client()
    browser.force_login(officer)

    redis.stop()  # Redis goes down just before the officer clicks
    response = browser.post(reverse("application_transition", args=[application.pk, "submit"]))
    assert response.status_code == 302, response.content[:500]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    receipt = Email.objects.get(subject__contains="Ontvangstbevestiging")
    assert receipt.status == STATUS.queued  # in the database, waiting for a worker

    redis.start()
    worker = WorkerProcess(queue, tmp_path / "worker.log")
    worker.start()
    try:
        send_queued_emails.delay()  # what beat sends every minute
        wait_for(
            lambda: Email.objects.get(pk=receipt.pk).status == STATUS.sent,
            worker=worker,
            what="the receipt to be sent",
        )
        send_queued_emails.delay()  # the next sweeps find nothing left to send
        send_queued_emails.delay()
        wait_for(lambda: worker.output().count("succeeded") >= 3, worker=worker, what="three sweeps")
    finally:
        worker.stop()
    assert Email.objects.filter(subject__contains="Ontvangstbevestiging").count() == 1
    assert Log.objects.filter(email=receipt, status=STATUS.sent).count() == 1
