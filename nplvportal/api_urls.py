"""The API under /api/v1/: each app registers its viewsets on one router."""

from rest_framework.routers import DefaultRouter

from accounts import api as accounts_api
from allocations.accountability import api as accountability_api
from allocations.exports import api as exports_api
from allocations.letters import api as letters_api
from allocations.money import api as money_api
from allocations.objections import api as objections_api
from allocations.objections import rescoring_api
from allocations.payments import api as payments_api
from allocations.runs import api as runs_api
from allocations.runs import reconsideration_api
from allocations.settlements import api as settlements_api
from applications import api as applications_api
from applications.assessment import api as assessment_api
from applications.published_rules import api as published_rules_api

router = DefaultRouter()
router.include_root_view = False
accounts_api.register(router)
applications_api.register(router)
assessment_api.register(router)

urlpatterns = [
    *accounts_api.urlpatterns,
    *runs_api.urlpatterns,
    *reconsideration_api.urlpatterns,
    *letters_api.urlpatterns,
    *exports_api.urlpatterns,
    *payments_api.urlpatterns,
    *objections_api.urlpatterns,
    *rescoring_api.urlpatterns,
    *accountability_api.urlpatterns,
    *settlements_api.urlpatterns,
    *money_api.urlpatterns,
    *published_rules_api.urlpatterns,
    *router.urls,
]
