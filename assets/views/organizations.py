"""Organizations, their members and the audit trail in the browser."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path

from assets.forms import MembershipGrantForm, OrganizationCreateForm, OrganizationUpdateForm
from assets.models import Membership
from assets.roles import AUDIT, EDIT_INVENTORY, MANAGE, VIEW, qualified
from assets.selectors import (
    audit_event_list_for_user,
    membership_get_for_user,
    membership_list_for_organization,
    organization_get_for_user,
    organization_list_for_user,
)
from assets.services import (
    membership_grant,
    membership_revoke,
    organization_create,
    organization_update,
)
from workbench.forms import apply_validation_error
from workbench.views_access import ScopedView

PAGE_SIZE = 50


def _detail_context(user, organization, grant_form) -> dict:
    visible = organization_list_for_user(user)
    return {
        "organization": organization,
        "ancestors": visible.filter(pk__in=organization.ancestor_ids),
        "children": visible.filter(parent=organization),
        "memberships": membership_list_for_organization(organization),
        "can_manage": grant_form is not None,
        "can_audit": user.has_perm(qualified(AUDIT), organization),
        "can_edit_inventory": user.has_perm(qualified(EDIT_INVENTORY), organization),
        "grant_form": grant_form,
    }


@login_required
def organization_list(request):
    organizations = organization_list_for_user(request.user)
    page = Paginator(organizations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assets/organizations/list.html", {"page_obj": page})


class OrganizationDetailView(ScopedView):
    access_function = organization_get_for_user
    permission = VIEW

    def get(self, request, pk):
        form = (
            MembershipGrantForm()
            if self.request.user.has_perm(qualified(MANAGE), self.scoped_object)
            else None
        )
        return render(
            request,
            "assets/organizations/detail.html",
            _detail_context(request.user, self.scoped_object, form),
        )


class OrganizationChildCreateView(ScopedView):
    access_function = organization_get_for_user
    permission = MANAGE

    def get(self, request, pk):
        return self._render(OrganizationCreateForm())

    def post(self, request, pk):
        form = OrganizationCreateForm(request.POST)
        if form.is_valid():
            try:
                child = organization_create(
                    actor=request.user, parent=self.scoped_object, **form.cleaned_data
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{child} was created.")
                return redirect("assets:organization_detail", pk=child.pk)
        return self._render(form, status=400)

    def _render(self, form, status=200):
        return render(
            self.request,
            "assets/organizations/form.html",
            {"form": form, "parent": self.scoped_object, "title": "New organization"},
            status=status,
        )


class OrganizationUpdateView(ScopedView):
    access_function = organization_get_for_user
    permission = MANAGE

    def get(self, request, pk):
        organization = self.scoped_object
        form = OrganizationUpdateForm(
            initial={
                "name": organization.name,
                "short_name": organization.short_name,
                "description": organization.description,
            }
        )
        return self._render(form)

    def post(self, request, pk):
        form = OrganizationUpdateForm(request.POST)
        if form.is_valid():
            try:
                organization_update(
                    actor=request.user, organization=self.scoped_object, **form.cleaned_data
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Your changes were saved.")
                return redirect("assets:organization_detail", pk=self.scoped_object.pk)
        return self._render(form, status=400)

    def _render(self, form, status=200):
        return render(
            self.request,
            "assets/organizations/form.html",
            {
                "form": form,
                "organization": self.scoped_object,
                "title": f"Edit {self.scoped_object}",
            },
            status=status,
        )


class MembershipGrantView(ScopedView):
    access_function = organization_get_for_user
    permission = MANAGE

    def post(self, request, pk):
        organization = self.scoped_object
        form = MembershipGrantForm(request.POST)
        if form.is_valid():
            try:
                membership = membership_grant(
                    actor=request.user,
                    organization=organization,
                    user=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{membership} was granted.")
                return redirect("assets:organization_detail", pk=organization.pk)
        return render(
            request,
            "assets/organizations/detail.html",
            _detail_context(request.user, organization, form),
            status=400,
        )


class MembershipRevokeView(ScopedView):
    access_function = membership_get_for_user
    permission = MANAGE

    def post(self, request, pk):
        membership: Membership = self.scoped_object
        if membership.user_id == request.user.pk and membership.role == "org_admin":
            raise PermissionDenied("You cannot remove your own administrator role.")
        organization_pk = membership.organization_id
        membership_revoke(
            actor=request.user, membership=membership, reason=request.POST.get("reason", "")
        )
        messages.success(request, f"{membership} was removed.")
        return redirect("assets:organization_detail", pk=organization_pk)


@login_required
def audit_event_list(request):
    events = audit_event_list_for_user(request.user)
    organization_id = request.GET.get("organization", "")
    if organization_id.isdigit():
        events = events.filter(organization_id=int(organization_id))
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action=action)
    actor = request.GET.get("actor", "").strip()
    if actor:
        events = events.filter(actor_name__iexact=actor)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "organizations": organization_list_for_user(request.user, perm=AUDIT),
        "actions": audit_event_list_for_user(request.user)
        .values_list("action", flat=True)
        .order_by("action")
        .distinct(),
        "filters": {"organization": organization_id, "action": action, "actor": actor},
    }
    return render(request, "assets/audit/list.html", context)


urlpatterns = [
    path("organizations/", organization_list, name="organization_list"),
    path("organizations/<int:pk>/", OrganizationDetailView.as_view(), name="organization_detail"),
    path(
        "organizations/<int:pk>/edit/",
        OrganizationUpdateView.as_view(),
        name="organization_update",
    ),
    path(
        "organizations/<int:pk>/children/new/",
        OrganizationChildCreateView.as_view(),
        name="organization_child_create",
    ),
    path(
        "organizations/<int:pk>/members/grant/",
        MembershipGrantView.as_view(),
        name="membership_grant",
    ),
    path("memberships/<int:pk>/revoke/", MembershipRevokeView.as_view(), name="membership_revoke"),
    path("audit/", audit_event_list, name="audit_event_list"),
]
