"""The decision on an application page, shown once a run is final: to ministry staff at once, to the
municipality once its letter is sent. Lives in allocations so intake never imports the money side."""

from django import template

from allocations.objections.selectors import revoking_case
from allocations.runs.permissions import can_view_decision
from allocations.runs.selectors import decision_of

register = template.Library()


@register.inclusion_tag("allocations/runs/_decision.html", takes_context=True)
def decision_panel(context, application):
    user = context["request"].user
    decision = decision_of(application) if can_view_decision(user, application) else None
    revoked_by = revoking_case(decision) if decision is not None else None
    return {"decision": decision, "user": user, "revoked_by": revoked_by}
