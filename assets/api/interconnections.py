"""Interconnections of a system over the REST API. An interconnection is reached through its
system (`interconnection_get_for_user`). One view per operation."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from assets.api.inventory_serializers import InterconnectionFieldsInput, InterconnectionSerializer
from assets.inventory_access import interconnection_get_for_user
from assets.models import Interconnection
from assets.roles import EDIT_INVENTORY, VIEW
from assets.selectors import system_get_for_user
from assets.services import (
    interconnection_create,
    interconnection_delete,
    interconnection_update,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


class InterconnectionListApi(ScopedApiView, generics.ListAPIView):
    """The interconnections of the system `pk`."""

    access_function = system_get_for_user
    permission = VIEW
    serializer_class = InterconnectionSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Interconnection]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no system
            return Interconnection.objects.none()
        return Interconnection.objects.filter(system=self.scoped_object).select_related(
            "remote_system"
        )


class InterconnectionCreateApi(ScopedApiView):
    """Record a connection of the system `pk` to another system of the inventory (one the caller
    may see) or to an external party."""

    access_function = system_get_for_user
    permission = EDIT_INVENTORY

    class InterconnectionCreateInputSerializer(InterconnectionFieldsInput):
        pass

    @extend_schema(
        request=InterconnectionCreateInputSerializer, responses={201: InterconnectionSerializer}
    )
    def post(self, request, pk):
        data = self.InterconnectionCreateInputSerializer(
            data=request.data, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        try:
            interconnection = interconnection_create(
                actor=request.user, system=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(
            InterconnectionSerializer(interconnection).data, status=status.HTTP_201_CREATED
        )


class InterconnectionDetailApi(ScopedApiView):
    access_function = interconnection_get_for_user
    permission = VIEW

    @extend_schema(responses=InterconnectionSerializer)
    def get(self, request, pk):
        return Response(InterconnectionSerializer(self.scoped_object).data)


class InterconnectionUpdateApi(ScopedApiView):
    access_function = interconnection_get_for_user
    permission = EDIT_INVENTORY

    class InterconnectionUpdateInputSerializer(InterconnectionFieldsInput):
        pass

    @extend_schema(
        request=InterconnectionUpdateInputSerializer, responses=InterconnectionSerializer
    )
    def patch(self, request, pk):
        data = self.InterconnectionUpdateInputSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        try:
            interconnection = interconnection_update(
                actor=request.user, interconnection=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(InterconnectionSerializer(interconnection).data)


class InterconnectionDeleteApi(ScopedApiView):
    access_function = interconnection_get_for_user
    permission = EDIT_INVENTORY

    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk):
        interconnection_delete(actor=request.user, interconnection=self.scoped_object)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path(
        "systems/<int:pk>/interconnections/",
        InterconnectionListApi.as_view(),
        name="api-interconnection-list",
    ),
    path(
        "systems/<int:pk>/interconnections/create/",
        InterconnectionCreateApi.as_view(),
        name="api-interconnection-create",
    ),
    path(
        "interconnections/<int:pk>/",
        InterconnectionDetailApi.as_view(),
        name="api-interconnection",
    ),
    path(
        "interconnections/<int:pk>/update/",
        InterconnectionUpdateApi.as_view(),
        name="api-interconnection-update",
    ),
    path(
        "interconnections/<int:pk>/delete/",
        InterconnectionDeleteApi.as_view(),
        name="api-interconnection-delete",
    ),
]
