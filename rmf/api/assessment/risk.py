"""An organization's risk table over the REST API: read by its members, set or reset by its
administrators (MANAGE)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from assets.roles import MANAGE, VIEW
from assets.selectors import organization_get_for_user
from rmf.api.assessment.serializers import RiskTableSerializer
from rmf.risk import risk_matrix_for, risk_matrix_source
from rmf.services.assessment import risk_matrix_reset, risk_matrix_set
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


def risk_table_body(organization) -> dict:
    source = risk_matrix_source(organization)
    return RiskTableSerializer(
        {
            "organization": organization.pk,
            "source_organization": source.organization_id if source is not None else None,
            "own": source is not None and source.organization_id == organization.pk,
            "cells": risk_matrix_for(organization),
        }
    ).data


class RiskTableApi(ScopedApiView):
    """The table that gives a finding's level of risk from its likelihood and impact: the
    organization's own, else its nearest ancestor's, else SP 800-30's Table I-2 (GET). Set
    the organization's own table (PUT, its administrators): every likelihood by every
    impact."""

    access_function = organization_get_for_user
    permission = VIEW
    write_permission = MANAGE

    class RiskTableInputSerializer(serializers.Serializer):
        cells = serializers.DictField(
            child=serializers.DictField(child=serializers.CharField()),
            help_text="cells[likelihood][impact] = level, each from very_low to very_high.",
        )

    @extend_schema(responses=RiskTableSerializer)
    def get(self, request, pk):
        return Response(risk_table_body(self.scoped_object))

    @extend_schema(request=RiskTableInputSerializer, responses=RiskTableSerializer)
    def put(self, request, pk):
        data = self.RiskTableInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            risk_matrix_set(
                actor=request.user,
                organization=self.scoped_object,
                cells=data.validated_data["cells"],
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(risk_table_body(self.scoped_object))


class RiskTableResetApi(ScopedApiView):
    """Drop the organization's own table: it uses the one that applies above it again."""

    access_function = organization_get_for_user
    permission = MANAGE

    @extend_schema(request=None, responses=RiskTableSerializer)
    def post(self, request, pk):
        try:
            risk_matrix_reset(actor=request.user, organization=self.scoped_object)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(risk_table_body(self.scoped_object))


urlpatterns = [
    path("organizations/<int:pk>/risk-table/", RiskTableApi.as_view(), name="api-risk-table"),
    path(
        "organizations/<int:pk>/risk-table/reset/",
        RiskTableResetApi.as_view(),
        name="api-risk-table-reset",
    ),
]
