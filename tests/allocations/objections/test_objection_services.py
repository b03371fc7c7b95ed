"""The objection case through its services: who may lodge and register, what is refused (an unsent or foreign
decision, a second outcome), that a late objection is registered but marked late, and that every step is
audited and moves the terms the law says it moves."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import AuditEvent
from accounts.workflow import TransitionNotAllowed
from allocations.objections import outcome, selectors, services
from allocations.objections.models import CaseOutcome, CaseStatus, Channel, ObjectionCase
from tests.allocations.objections.conftest import DECISION_TERM_END, LAST_DAY, SENT_ON, at

pytestmark = pytest.mark.django_db

D = datetime.date


def lodge(decision, officer, day=None, **kwargs):
    kwargs.setdefault("grounds", "De behoeftescore is berekend met cijfers van het verkeerde jaar.")
    return services.lodge_objection(decision=decision, by=officer, now=at(day or D(2027, 4, 1)), **kwargs)


def verbs(case):
    return list(AuditEvent.objects.filter(target_id=str(case.pk)).order_by("pk").values_list("verb", flat=True))


# --- lodging in the portal -----------------------------------------------------------------------------------


def test_the_officer_lodges_an_objection_against_the_own_sent_decision(decision, officer, municipality):
    case = lodge(decision, officer)
    assert (case.status, case.channel, case.received_on, case.objector) == (
        CaseStatus.RECEIVED,
        Channel.PORTAL,
        D(2027, 4, 1),
        municipality,
    )
    assert case.number == f"{decision.number}-B1"
    assert case.timely_computed and case.is_timely
    assert (case.sent_on, case.objection_term_end, case.decision_term_end) == (SENT_ON, LAST_DAY, DECISION_TERM_END)
    event = AuditEvent.objects.get(verb="objection.lodged")
    assert event.data["decision"] == decision.number and event.data["timeliness"] == "received"


def test_an_unsent_decision_is_refused_with_a_reason_and_nothing_is_stored(unsent, officer):
    with pytest.raises(TransitionNotAllowed, match="nog niet verzonden"):
        lodge(unsent, officer)
    assert not ObjectionCase.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="objection.").exists()


def test_another_municipalitys_decision_is_not_found(foreign_decision, officer, reviewer):
    with pytest.raises(Http404):
        lodge(foreign_decision, officer)
    with pytest.raises(Http404):  # ministry staff register, they do not lodge
        lodge(foreign_decision, reviewer)
    assert not ObjectionCase.objects.exists()


def test_a_late_objection_is_registered_but_marked_late(decision, officer):
    case = lodge(decision, officer, day=D(2027, 4, 27))  # the day after the last day
    assert case.pk and not case.timely_computed and not case.is_timely
    assert AuditEvent.objects.get(verb="objection.lodged").data["timely"] is False


def test_on_the_last_day_it_is_still_in_time(decision, officer):
    assert lodge(decision, officer, day=LAST_DAY).is_timely


def test_without_grounds_it_must_be_pro_forma(decision, officer):
    with pytest.raises(ValidationError) as error:
        lodge(decision, officer, grounds="  ")
    assert "grounds" in error.value.message_dict
    case = lodge(decision, officer, grounds="", pro_forma=True)
    assert case.pro_forma and case.grounds == ""


def test_grounds_are_bounded(decision, officer):
    with pytest.raises(ValidationError) as error:
        lodge(decision, officer, grounds="x" * 10_001)
    assert "grounds" in error.value.message_dict
    assert not ObjectionCase.objects.exists()


def test_a_second_open_objection_on_the_same_decision_is_refused(decision, officer):
    lodge(decision, officer)
    with pytest.raises(TransitionNotAllowed, match="loopt al een bezwaar"):
        lodge(decision, officer)
    assert ObjectionCase.objects.count() == 1


# --- registering from a letter or e-mail ---------------------------------------------------------------------


def test_staff_register_a_posted_objection_timely_by_its_postmark(decision, administrator, municipality):
    case = services.register_objection(
        decision=decision,
        by=administrator,
        objector=municipality,
        channel=Channel.POST,
        received_on=D(2027, 4, 29),  # after the last day
        posted_on=D(2027, 4, 26),  # posted on it
        grounds="Zie brief.",
        now=at(D(2027, 4, 30)),
    )
    assert case.timely_computed and case.timeliness.code == "posted"
    assert verbs(case) == ["objection.registered"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"received_on": D(2027, 5, 1)}, "received_on"),  # after today
        ({"received_on": D(2027, 3, 1)}, "received_on"),  # before the sending
        ({"channel": Channel.EMAIL, "posted_on": D(2027, 4, 20)}, "posted_on"),  # a postmark on an e-mail
        ({"posted_on": D(2027, 4, 25)}, "posted_on"),  # posted after it was received
    ],
)
def test_registering_with_impossible_dates_is_refused_beside_the_field(
    decision, administrator, municipality, kwargs, field
):
    arguments = {
        "decision": decision,
        "by": administrator,
        "objector": municipality,
        "channel": Channel.POST,
        "received_on": D(2027, 4, 20),
        "grounds": "Zie brief.",
        "now": at(D(2027, 4, 30)),
        **kwargs,
    }
    with pytest.raises(ValidationError) as error:
        services.register_objection(**arguments)
    assert field in error.value.message_dict
    assert not ObjectionCase.objects.exists()


def test_only_administrators_register(decision, officer, reviewer, municipality):
    for person in (officer, reviewer):
        with pytest.raises(PermissionDenied):
            services.register_objection(
                decision=decision, by=person, objector=municipality, channel=Channel.EMAIL, received_on=SENT_ON
            )


def test_registering_against_an_unsent_decision_is_refused(unsent, administrator, municipality):
    with pytest.raises(TransitionNotAllowed):
        services.register_objection(
            decision=unsent,
            by=administrator,
            objector=municipality,
            channel=Channel.EMAIL,
            received_on=D(2027, 3, 20),
            grounds="x",
            now=at(D(2027, 3, 25)),
        )


# --- the handling --------------------------------------------------------------------------------------------


def test_a_repair_term_suspends_the_decision_term(decision, officer, administrator):
    case = lodge(decision, officer, grounds="", pro_forma=True)
    case = services.request_repair(
        case=case, by=administrator, missing="De gronden.", deadline=D(2027, 5, 10), now=at(D(2027, 4, 28))
    )
    assert case.status == CaseStatus.REPAIR
    assert case.next_deadline() == ("repair", D(2027, 5, 10))
    case = services.end_repair(
        case=case, by=administrator, repaired=True, on=D(2027, 5, 4), grounds="De cijfers kloppen niet.",
        now=at(D(2027, 5, 5)),
    )  # fmt: skip
    assert case.status == CaseStatus.RECEIVED and case.grounds and not case.pro_forma
    # Asked on 28 April, repaired on 4 May: 29 April to 3 May (five days) stand still; 7 June + 5 = Saturday 12
    # June, so Monday 14 June 2027.
    assert case.decision_term_end == D(2027, 6, 14)
    assert verbs(case) == ["objection.lodged", "objection.repair_requested", "objection.repair_ended"]


def test_a_repair_term_that_passed_unused_ends_on_its_last_day_and_not_before(decision, officer, administrator):
    case = lodge(decision, officer)
    case = services.request_repair(
        case=case, by=administrator, missing="Handtekening.", deadline=D(2027, 5, 10), now=at(D(2027, 4, 28))
    )
    with pytest.raises(ValidationError):
        services.end_repair(case=case, by=administrator, repaired=False, now=at(D(2027, 5, 10)))
    case = services.end_repair(case=case, by=administrator, repaired=False, now=at(D(2027, 5, 11)))
    assert (case.repaired, case.repair_ended_on) == (False, D(2027, 5, 10))


def test_the_hearing_invites_the_objector_and_only_competitors_of_the_same_run(
    decision, officer, administrator, municipality, other_municipality
):
    case = lodge(decision, officer)
    competitors = selectors.interested_parties(case)
    assert len(competitors) == 2 and municipality not in competitors
    with pytest.raises(ValidationError) as error:
        services.plan_hearing(
            case=case, by=administrator, on=D(2027, 5, 12), invited=[other_municipality], now=at(D(2027, 5, 3))
        )
    assert "invited" in error.value.message_dict
    case = services.plan_hearing(
        case=case, by=administrator, on=D(2027, 5, 12), invited=competitors[:1], now=at(D(2027, 5, 3))
    )
    assert case.status == CaseStatus.HEARING_PLANNED
    assert set(case.invited.all()) == {municipality, competitors[0]}
    case = services.record_hearing(
        case=case, by=administrator, held_on=D(2027, 5, 12), notes="Gehoord.", now=at(D(2027, 5, 12))
    )
    assert case.status == CaseStatus.READY


def test_a_hearing_can_only_be_waived_on_a_ground_of_7_3(decision, officer, administrator):
    case = lodge(decision, officer)
    with pytest.raises(ValidationError):
        services.waive_hearing(case=case, by=administrator, ground="z", reason="Geen zin in.")
    case = services.waive_hearing(case=case, by=administrator, ground="c", reason="Zie e-mail van 3 mei.")
    assert (case.status, case.waiver_ground) == (CaseStatus.READY, "c")


def test_one_postponement_of_at_most_six_weeks_while_the_term_runs(decision, officer, administrator):
    case = lodge(decision, officer)
    with pytest.raises(ValidationError):
        services.postpone(case=case, by=administrator, weeks=7, reason="Drukte.", now=at(D(2027, 5, 3)))
    case = services.postpone(case=case, by=administrator, weeks=6, reason="Advies nodig.", now=at(D(2027, 5, 3)))
    assert case.decision_term_end == DECISION_TERM_END + datetime.timedelta(weeks=6)
    with pytest.raises(TransitionNotAllowed, match="al eens verdaagd"):
        services.postpone(case=case, by=administrator, weeks=1, reason="Nog eens.", now=at(D(2027, 5, 4)))
    case.refresh_from_db()
    assert case.postponed_weeks == 6
    assert verbs(case).count("objection.postponed") == 1


def test_postponing_after_the_term_ended_is_refused(decision, officer, administrator):
    case = lodge(decision, officer)
    with pytest.raises(TransitionNotAllowed, match="verstreken"):
        services.postpone(case=case, by=administrator, weeks=2, reason="Te laat.", now=at(D(2027, 6, 8)))


def test_an_advisory_committee_makes_the_term_twelve_weeks(decision, officer, administrator):
    case = services.set_committee(case=lodge(decision, officer), by=administrator, committee=True)
    assert case.decision_term_end == D(2027, 7, 19)  # 26 April + 12 weeks
    assert "objection.committee_set" in verbs(case)


def test_a_late_objection_is_inadmissible_unless_the_lateness_is_excused(decision, officer, administrator):
    case = lodge(decision, officer, day=D(2027, 5, 3))
    case = services.waive_hearing(case=case, by=administrator, ground="a", reason="Te laat.")
    with pytest.raises(ValidationError, match="6:11"):
        outcome.decide(case=case, by=administrator, outcome=CaseOutcome.FOUNDED, reason="Juist.")
    case = services.override_timeliness(case=case, by=administrator, timely=True, reason="Ziekenhuisopname.")
    assert case.is_timely and not case.timely_computed
    case = outcome.decide(case=case, by=administrator, outcome=CaseOutcome.FOUNDED, reason="Juist.")
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, CaseOutcome.FOUNDED)


def test_an_outcome_on_the_merits_needs_a_hearing_or_its_waiver(decision, officer, administrator):
    case = lodge(decision, officer)
    with pytest.raises(TransitionNotAllowed, match="7:3"):
        outcome.decide(case=case, by=administrator, outcome=CaseOutcome.UNFOUNDED, reason="Nee.")
    case = outcome.decide(case=case, by=administrator, outcome=CaseOutcome.INADMISSIBLE, reason="Geen belang.")
    assert case.status == CaseStatus.CLOSED


def test_a_second_outcome_on_a_closed_case_is_refused_and_changes_nothing(decision, officer, administrator):
    case = lodge(decision, officer)
    case = services.waive_hearing(case=case, by=administrator, ground="b", reason="Kennelijk ongegrond.")
    case = outcome.decide(case=case, by=administrator, outcome=CaseOutcome.UNFOUNDED, reason="Nee.")
    before = verbs(case)
    for step in (
        lambda: outcome.decide(case=case, by=administrator, outcome=CaseOutcome.FOUNDED, reason="Toch wel."),
        lambda: services.withdraw(case=case, by=officer),
        lambda: services.postpone(case=case, by=administrator, weeks=1, reason="x"),
        lambda: services.request_repair(case=case, by=administrator, missing="x", deadline=D(2099, 1, 1)),
    ):
        with pytest.raises(TransitionNotAllowed):
            step()
    case.refresh_from_db()
    assert (case.outcome, case.outcome_reason, case.postponed_weeks) == (CaseOutcome.UNFOUNDED, "Nee.", None)
    assert verbs(case) == before


def test_the_objector_withdraws(decision, officer, other_officer, administrator):
    case = lodge(decision, officer)
    with pytest.raises(Http404):
        services.withdraw(case=case, by=other_officer)
    case = services.withdraw(case=case, by=officer)
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, CaseOutcome.WITHDRAWN)
    # A new objection may follow once the case is closed.
    assert lodge(decision, officer).number.endswith("-B2")


def test_officers_may_not_handle_and_reviewers_may_not_either(decision, officer, reviewer):
    case = lodge(decision, officer)
    with pytest.raises(PermissionDenied):
        services.waive_hearing(case=case, by=officer, ground="c", reason="x")
    with pytest.raises(PermissionDenied):
        outcome.decide(case=case, by=reviewer, outcome=CaseOutcome.INADMISSIBLE, reason="x")


def test_the_deadline_board_puts_overdue_first(run, decision, officer, administrator, foreign_decision):
    from accounts.models import User

    late_case = lodge(decision, officer, day=D(2027, 4, 1))
    other = User.objects.create_user(
        email="o2@example.nl", role="officer", municipality=foreign_decision.application.municipality
    )
    fresh = lodge(foreign_decision, other, day=D(2027, 4, 2))
    services.set_committee(case=fresh, by=administrator, committee=True)
    rows = selectors.deadline_board(administrator, now=at(D(2027, 6, 10)))
    assert [(row.case, row.kind, row.deadline, row.days_left) for row in rows] == [
        (late_case, "decision", DECISION_TERM_END, -3),
        (fresh, "decision", D(2027, 7, 19), 39),
    ]
    assert rows[0].overdue and not rows[1].overdue
    assert [row.case for row in selectors.deadline_board(officer, now=at(D(2027, 6, 10)))] == [late_case]


def test_refusals_name_their_days_as_people_read_them(decision, officer, administrator):
    case = lodge(decision, officer)
    with pytest.raises(TransitionNotAllowed, match="7 juni 2027"):
        services.postpone(case=case, by=administrator, weeks=2, reason="Te laat.", now=at(D(2027, 6, 8)))
