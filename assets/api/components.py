"""Components of a system, and the vendors who supply them, over the REST API. A component is
reached through its system (`component_get_for_user`). One view per operation."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.urls import path
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from assets.api.inventory_serializers import (
    ComponentFieldsInput,
    ComponentSerializer,
    VendorSerializer,
)
from assets.inventory_access import component_get_for_user
from assets.models import Component, Vendor
from assets.roles import EDIT_INVENTORY, VIEW
from assets.selectors import system_get_for_user, vendor_list
from assets.services import (
    component_create,
    component_delete,
    component_update,
    vendor_get_or_create,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


def _save_with_vendor(service: Callable[..., Component], fields: dict, **kwargs: Any) -> Component:
    """Call `service` with the vendor given by name turned into a Vendor (or None if blank)."""
    try:
        # A vendor first named for a component that is then refused must not stay behind.
        with transaction.atomic():
            if "vendor" in fields:
                name = fields["vendor"]
                fields = {**fields, "vendor": vendor_get_or_create(name=name) if name else None}
            return service(**kwargs, **fields)
    except DjangoValidationError as error:
        raise_validation_error(error)


class ComponentListApi(ScopedApiView, generics.ListAPIView):
    """The components of the system `pk`."""

    access_function = system_get_for_user
    permission = VIEW
    serializer_class = ComponentSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Component]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no system
            return Component.objects.none()
        return Component.objects.filter(system=self.scoped_object).select_related("vendor")


class ComponentCreateApi(ScopedApiView):
    """Add a component to the system `pk`."""

    access_function = system_get_for_user
    permission = EDIT_INVENTORY

    class ComponentCreateInputSerializer(ComponentFieldsInput):
        pass

    @extend_schema(request=ComponentCreateInputSerializer, responses={201: ComponentSerializer})
    def post(self, request, pk):
        data = self.ComponentCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        component = _save_with_vendor(
            component_create,
            data.validated_data,
            actor=request.user,
            system=self.scoped_object,
        )
        return Response(ComponentSerializer(component).data, status=status.HTTP_201_CREATED)


class ComponentDetailApi(ScopedApiView):
    access_function = component_get_for_user
    permission = VIEW

    @extend_schema(responses=ComponentSerializer)
    def get(self, request, pk):
        return Response(ComponentSerializer(self.scoped_object).data)


class ComponentUpdateApi(ScopedApiView):
    access_function = component_get_for_user
    permission = EDIT_INVENTORY

    class ComponentUpdateInputSerializer(ComponentFieldsInput):
        pass

    @extend_schema(request=ComponentUpdateInputSerializer, responses=ComponentSerializer)
    def patch(self, request, pk):
        data = self.ComponentUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        component = _save_with_vendor(
            component_update,
            data.validated_data,
            actor=request.user,
            component=self.scoped_object,
        )
        return Response(ComponentSerializer(component).data)


class ComponentDeleteApi(ScopedApiView):
    access_function = component_get_for_user
    permission = EDIT_INVENTORY

    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk):
        component_delete(actor=request.user, component=self.scoped_object)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VendorFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="Words of the vendor's name.")

    class Meta:
        model = Vendor
        fields = ["q"]

    def filter_q(self, queryset: QuerySet[Vendor], name: str, value: str) -> QuerySet[Vendor]:
        for word in value.split():
            queryset = queryset.filter(name__icontains=word)
        return queryset


class VendorListApi(generics.ListAPIView):
    """The vendor list, shared by all organizations, with the number of components of each."""

    serializer_class = VendorSerializer
    filterset_class = VendorFilter

    def get_queryset(self) -> QuerySet[Vendor]:
        # The count's GROUP BY drops the model's ordering, which pages need.
        return vendor_list(self.request.user).order_by(Lower("name"), "pk")


urlpatterns = [
    path(
        "systems/<int:pk>/components/",
        ComponentListApi.as_view(),
        name="api-component-list",
    ),
    path(
        "systems/<int:pk>/components/create/",
        ComponentCreateApi.as_view(),
        name="api-component-create",
    ),
    path("components/<int:pk>/", ComponentDetailApi.as_view(), name="api-component"),
    path(
        "components/<int:pk>/update/",
        ComponentUpdateApi.as_view(),
        name="api-component-update",
    ),
    path(
        "components/<int:pk>/delete/",
        ComponentDeleteApi.as_view(),
        name="api-component-delete",
    ),
    path("vendors/", VendorListApi.as_view(), name="api-vendor-list"),
]
