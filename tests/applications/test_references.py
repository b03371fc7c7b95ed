"""Application references are unique and never reused: not after a deleted draft, not when two officers
start at the same moment."""

import threading

import pytest
from django.db import connection

from applications import services
from applications.models import Application
from tests.factories import CallFactory, OfficerFactory


@pytest.fixture
def call(db):
    return CallFactory(multiple_per_municipality=True)


def start(call, officer, area):
    return services.start_application(call=call, by=officer, title=f"Plan voor {area}", area_name=area)


def test_a_deleted_draft_does_not_block_the_next_application_and_its_number_is_not_reused(call, officer):
    first = start(call, officer, "Noord")
    second = start(call, officer, "Zuid")
    services.delete_draft(application=first, by=officer)
    third = start(call, officer, "Noord")  # the area is free again
    services.delete_draft(application=second, by=officer)
    fourth = start(call, officer, "Oost")
    numbers = [a.reference.rsplit("-", 1)[1] for a in (first, second, third, fourth)]
    assert numbers == ["1", "2", "3", "4"]


def test_numbering_carries_on_after_references_made_before_the_counter(call, officer):
    prefix = f"{call.reference_prefix}-{officer.municipality.cbs_code}-"
    Application.objects.create(
        call=call,
        municipality=officer.municipality,
        area_name="West",
        title="Oud",
        reference=f"{prefix}7",
        created_by=officer,
        updated_by=officer,
    )
    assert start(call, officer, "Noord").reference == f"{prefix}8"


@pytest.mark.django_db(transaction=True)
def test_parallel_starts_get_distinct_references(call, officer):
    colleagues = [officer, *(OfficerFactory(municipality=officer.municipality) for _ in range(3))]
    barrier = threading.Barrier(len(colleagues))
    references: list[str] = []
    failures: list[BaseException] = []

    def run(person, area):
        try:
            barrier.wait(timeout=10)
            references.append(start(call, person, area).reference)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p, f"Wijk {i}")) for i, p in enumerate(colleagues)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert len(references) == len(colleagues)
    assert len(set(references)) == len(colleagues)
    assert sorted(int(r.rsplit("-", 1)[1]) for r in references) == [1, 2, 3, 4]
