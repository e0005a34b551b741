"""/api/v1/stats/: indicator definitions and approved statistical releases (read-only).

Only what may leave the system is served: the definitions of the indicators, and approved
releases of protected tables (suppressed cells are ``null`` with a flag). Raw tables, drafts
and research extracts are never served. Reading a release's tables is an export: it is
audited like the file exports. Roles: those that see statistics or approve releases (403
otherwise); a release of another country, not approved or unknown answers 404.
"""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authentication import TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kinlink.accounts.roles import can
from kinlink.stats import indicators as ind
from kinlink.stats import services as ss
from kinlink.stats.models import Release

from .authentication import SecondFactorSessionAuthentication
from .schema import KinlinkAutoSchema, errors, uuid_path
from .views import not_found, parse_id


class SeesStatistics(BasePermission):
    message = "Your role may not use this endpoint."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (can(user, "see_statistics") or can(user, "approve_releases"))
        )


class StatsView(APIView):
    authentication_classes = [TokenAuthentication, SecondFactorSessionAuthentication]
    permission_classes = [IsAuthenticated, SeesStatistics]
    schema = KinlinkAutoSchema()
    versioning_class = None  # mounted beside the v1 namespace, under /api/v1/stats/


# --------------------------------------------------------------------------- serializers


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    definition = serializers.CharField()
    kind = serializers.CharField(help_text="`count` or `median`.")
    unit = serializers.CharField(help_text="For medians: the unit of the duration.")
    sensitive = serializers.BooleanField(
        help_text="A sensitive category: cells need the higher minimum count."
    )
    hxl = serializers.CharField(help_text="HXL hashtag of the values.")
    source = serializers.CharField(help_text="The records counted: cases, referrals, care…")
    breakdowns = serializers.ListField(child=serializers.CharField())


class ParametersSerializer(serializers.Serializer):
    age_bands = serializers.CharField()
    min_cell = serializers.IntegerField()
    min_cell_sensitive = serializers.IntegerField()
    rounding_base = serializers.IntegerField()
    k = serializers.IntegerField()
    max_admin_level = serializers.IntegerField()


class ReleaseItemSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    version = serializers.IntegerField()
    country = serializers.CharField()
    area = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    geography_level = serializers.IntegerField()
    indicators = serializers.ListField(child=serializers.CharField())
    breakdowns = serializers.ListField(child=serializers.CharField())
    approved_at = serializers.DateTimeField(source="decided_at")
    data_as_of = serializers.DateTimeField(allow_null=True)
    content_hash = serializers.CharField()


class CellValueField(serializers.ListField):
    child = serializers.FloatField(allow_null=True)


class TableSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    hxl = serializers.CharField()
    kind = serializers.CharField(help_text="`count` or `median`.")
    breakdown = serializers.CharField(help_text="`age_sex` or a dimension code.")
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="[code, label] of each row; the last is the total.",
    )
    cols = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    values = serializers.ListField(
        child=CellValueField(), help_text="Rows of cells; a suppressed cell is null."
    )
    flags = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Per cell: empty, `primary`, `secondary` or `withheld`.",
    )
    left_out = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text="Records left out, by reason (null: fewer than the minimum cell).",
    )
    withheld = serializers.BooleanField()


class ReleaseSerializer(ReleaseItemSerializer):
    parameters = ParametersSerializer()
    approved_by = serializers.CharField(source="decided_by.get_username")
    tables = TableSerializer(many=True)


# --------------------------------------------------------------------------- views


def _indicator(i: ind.Indicator) -> dict:
    return {
        "code": i.code,
        "title": str(i.title),
        "definition": str(i.definition),
        "kind": i.kind,
        "unit": str(i.unit),
        "sensitive": i.sensitive,
        "hxl": i.hxl,
        "source": i.source,
        "breakdowns": list(i.breakdowns),
    }


def approved_releases(user):
    return (
        ss.releases_visible(user)
        .filter(state=Release.State.APPROVED, kind=Release.Kind.TABLES)
        .select_related("decided_by")
    )


class IndicatorListView(StatsView):
    @extend_schema(
        operation_id="stats_indicators_list",
        summary="The indicators, with their definitions",
        tags=["statistics"],
        responses={200: IndicatorSerializer(many=True), **errors()},
    )
    def get(self, request):
        return Response([_indicator(i) for i in ind.REGISTRY.values()])


class ReleaseListView(StatsView):
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="stats_releases_list",
        summary="Approved releases of your country, newest first",
        tags=["statistics"],
        responses={200: ReleaseItemSerializer(many=True), **errors(404)},
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            approved_releases(request.user).order_by("-decided_at", "-version"), request, self
        )
        return paginator.get_paginated_response(ReleaseItemSerializer(page, many=True).data)


class ReleaseDetailView(StatsView):
    @extend_schema(
        operation_id="stats_release_retrieve",
        summary="An approved release: parameters, approval and protected tables (audited)",
        tags=["statistics"],
        parameters=[uuid_path("release_id", "The release.")],
        responses={200: ReleaseSerializer, **errors(404)},
    )
    def get(self, request, release_id):
        pk = parse_id(release_id)
        if not approved_releases(request.user).filter(pk=pk).exists():
            raise exceptions.NotFound()
        release = ss.release_for_export(actor=request.user, release_id=pk, fmt="api")
        return Response(ReleaseSerializer(release).data)


app_name = "statsapi"
urlpatterns = [
    path("indicators/", IndicatorListView.as_view(), name="indicator-list"),
    path("releases/", ReleaseListView.as_view(), name="release-list"),
    path("releases/<str:release_id>/", ReleaseDetailView.as_view(), name="release-detail"),
    re_path(r"^.*$", not_found),
]
