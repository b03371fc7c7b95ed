"""API for people and organisations: the caller's own profile and municipalities (scoped)."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import selectors
from accounts.api_permissions import AdministratorsOnly
from accounts.models import Membership, Municipality, User


class MembershipSerializer(serializers.ModelSerializer):
    network = serializers.CharField(source="network.code")

    class Meta:
        model = Membership
        fields = ["network", "area_name", "valid_from", "valid_to"]


class MunicipalitySerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = Municipality
        fields = ["cbs_code", "name", "province", "inhabitants", "inhabitants_year", "memberships"]


class MunicipalityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Municipalities with their network memberships. Officers see only their own municipality."""

    serializer_class = MunicipalitySerializer
    lookup_field = "cbs_code"

    def get_queryset(self):
        return selectors.municipalities_for(self.request.user).order_by("cbs_code")


class MeSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="cbs_code", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["email", "full_name", "role", "municipality"]


@extend_schema(responses=MeSerializer, summary="De ingelogde gebruiker")
@api_view(["GET"])
def me(request):
    return Response(MeSerializer(request.user).data)


class ReviewerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "email"]


@extend_schema(summary="Beoordelaars", description="Actieve beoordelaars, om toe te wijzen (alleen beheerders).")
class ReviewerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The active reviewers with their ids, which a client needs to assign them (administrators only)."""

    serializer_class = ReviewerSerializer
    permission_classes = [AdministratorsOnly]

    def get_queryset(self):
        return selectors.reviewers()


def register(router) -> None:
    router.register("municipalities", MunicipalityViewSet, basename="municipality")
    router.register("reviewers", ReviewerViewSet, basename="reviewer")


urlpatterns = [path("me/", me, name="api-me")]
