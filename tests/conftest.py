"""Shared fixtures: the three roles, a second municipality, clients logged in per role."""

import os
import uuid

import pytest
from django.conf import settings as django_settings

from nplvportal.celery import app as celery_app
from tests.factories import AdministratorFactory, MunicipalityFactory, OfficerFactory, ReviewerFactory

# How many hostile cases each sweep of tests/security tried (its ``tally`` fixture), kept in pytest's cache
# directory so the counts of xdist workers reach the controller, which prints their total.
HOSTILE_KEY = "security/hostile-cases"
SWEEPS = ("idor", "csrf", "markup", "numbers")


def pytest_configure(config):
    # The controller clears the counts once per run (xdist workers also read this conftest).
    if not hasattr(config, "workerinput") and getattr(config, "cache", None) is not None:
        for name in SWEEPS:
            config.cache.set(f"{HOSTILE_KEY}/{name}", None)

    from hypothesis import HealthCheck, settings

    # ci: reproducible (derandomized) and small enough for every push; the same properties with more
    # examples run with HYPOTHESIS_PROFILE=thorough (before a release, or after changing the engine or points).
    settings.register_profile(
        "ci", max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.register_profile("dev", max_examples=60, deadline=None)
    settings.register_profile(
        "thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# The test files that take longest (test time per file in a whole make test run on a 2-core machine), started first:
# ``make test`` hands out whole files (``--dist loadfile``) in collection order, so the long ones run side by
# side from the start and the many short files fill in at the end, instead of one long file running alone
# while the other worker idles. Files with a real worker or browser count as long too.
SLOW_FIRST = (
    "tests/nplvportal/test_schema_conformance_administrator.py",  # 146 s (CI, 2 workers, a busy machine)
    "tests/nplvportal/test_schema_conformance.py",  # the other three roles: 190 s
    "tests/allocations/letters/test_letter_demo.py",  # 126 s
    "tests/browser/test_whole_story.py",  # 88 s
    "tests/allocations/runs/test_runs_worker.py",  # 51 s
    "tests/allocations/letters/test_letter_worker_fault.py",  # 49 s
    "tests/allocations/letters/test_letter_batch.py",  # 37 s
    "tests/applications/assessment/test_assessment_api_access.py",  # 34 s
    "tests/allocations/test_engine_properties.py",  # 30 s
    "tests/allocations/letters/test_letter_access.py",  # 29 s
    "tests/applications/assessment/test_review_pages_permissions.py",  # 25 s
)


@pytest.hookimpl(trylast=True)  # after tests/browser/conftest.py has marked its tests
def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        if path in SLOW_FIRST:
            return SLOW_FIRST.index(path)
        if item.get_closest_marker("worker") or item.get_closest_marker("browser"):
            return len(SLOW_FIRST)
        return len(SLOW_FIRST) + 1

    items.sort(key=rank)  # stable: within a rank, files and tests keep their order


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Every test user gets a password (tests/factories.py), and the production hasher (PBKDF2, a million
    rounds) spends most of a second on each one: thousands of seconds over the suite. Hashing is not what
    the tests prove, so they hash with MD5; logging in and checking passwords work the same."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_use_migrations):
    """Each worker's test database is a copy of one migrated template (tests/db_template.py)."""
    if django_db_use_migrations:
        from tests.db_template import use_migrated_template

        use_migrated_template()


@pytest.fixture(scope="session")
def _suite_private_media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("private-media")


@pytest.fixture(autouse=True)
def _isolated_services(settings, _suite_private_media_root):
    """Each test gets its own cache namespace and runs tasks in-process, unless it starts a real worker.

    Mail goes through the real database queue (the test runner would otherwise bypass it); the queue
    delivers into ``django.core.mail.outbox``.
    """
    settings.EMAIL_BACKEND = "post_office.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(_suite_private_media_root)}},
    }
    if "RedisCache" in django_settings.CACHES["default"]["BACKEND"]:
        caches = {**settings.CACHES}
        caches["default"] = {**caches["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        settings.CACHES = caches
    else:
        from django.core.cache import cache

        cache.clear()
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(cbs_code="GM0356", name="Nieuwegein", province="Utrecht")


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(cbs_code="GM0363", name="Amsterdam", province="Noord-Holland")


@pytest.fixture
def officer(municipality):
    return OfficerFactory(municipality=municipality, email="officer@nieuwegein.nl")


@pytest.fixture
def other_officer(other_municipality):
    return OfficerFactory(municipality=other_municipality, email="officer@amsterdam.nl")


@pytest.fixture
def reviewer(db):
    return ReviewerFactory(email="reviewer@minvro.nl")


@pytest.fixture
def administrator(db):
    return AdministratorFactory(email="admin@minvro.nl")


@pytest.fixture
def second_administrator(db):
    return AdministratorFactory(email="admin2@minvro.nl")


def _client_for(client_class, user):
    from django.test import Client

    client = client_class() if client_class else Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(officer):
    return _client_for(None, officer)


@pytest.fixture
def other_officer_client(other_officer):
    return _client_for(None, other_officer)


@pytest.fixture
def reviewer_client(reviewer):
    return _client_for(None, reviewer)


@pytest.fixture
def administrator_client(administrator):
    return _client_for(None, administrator)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


from tests.worker import celery_worker_process  # noqa: E402,F401 - fixture


@pytest.fixture
def count_queries(db):
    """How many queries one GET of ``url`` costs; it must answer 200. ``warm`` visits once first, so that
    rows a first visit creates (settings, sessions) do not count. A streamed body (an export, a download) is
    read inside the count, as its rows are queried while it streams."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(client, url, *, warm: bool = False) -> int:
        if warm:
            client.get(url)
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
            content = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, content[:300]
        return len(context.captured_queries)

    return count


def pytest_terminal_summary(terminalreporter, config):
    if getattr(config, "cache", None) is None:  # run with -p no:cacheprovider
        return
    counts = {name: config.cache.get(f"{HOSTILE_KEY}/{name}", None) for name in SWEEPS}
    counts = {name: count for name, count in counts.items() if count}
    if counts:
        terminalreporter.write_sep("-", "hostile cases tried (tests/security)")
        for name, count in counts.items():
            terminalreporter.write_line(f"{name}: {count}")
        terminalreporter.write_line(f"total: {sum(counts.values())}")
