"""An organization's CSF profiles: current against target per function and category, the
prioritized gaps turned into action items, the target form (one function at a time), and the
action items' list and pages.

Everybody who may see the organization reads them; its planners (FILL) change them. The
version is chosen with `?version=1.1` or `?version=2.0` (the default)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode

from assets.roles import VIEW
from assets.selectors import organization_get_for_user
from csf.models import CsfActionItem, CsfVersion
from csf.selectors.access import FILL, csf_action_item_get_for_user
from csf.selectors.profiles import (
    DEFAULT_VERSION,
    OPEN_STATUSES,
    ActionItemFilters,
    action_item_counts,
    action_item_detail,
    action_item_functions,
    action_item_history,
    action_item_list,
    can_fill,
    owner_candidates,
    person_name,
    profile_get,
    targets_page,
)
from csf.selectors.reference import version_check
from csf.services.profiles import (
    CsfActionItemConflict,
    TargetInput,
    csf_action_item_close,
    csf_action_item_update,
    csf_action_items_from_gaps,
    csf_targets_save,
)
from csf.views.profile_forms import (
    ActionItemCloseForm,
    ActionItemFilterForm,
    ActionItemForm,
    GapItemsForm,
    TargetsForm,
)
from rmf.views.workflow import show_error
from workbench.views_access import ScopedView

PAGE_SIZE = 50


def _version(request) -> str:
    return version_check(request.GET.get("version") or DEFAULT_VERSION)


def _with_query(url: str, **params) -> str:
    params = {key: value for key, value in params.items() if value}
    return f"{url}?{urlencode(params)}" if params else url


def _assessments_url(organization) -> str:
    return reverse("csf:organization_assessments", args=[organization.pk])


def _common(request, organization, version: str, section: str) -> dict:
    return {
        "organization": organization,
        "version": version,
        "versions": CsfVersion.choices,
        "section": section,
        "assessments_url": _assessments_url(organization),
        "nav_section": "organizations",
    }


def _split_error(error: ValidationError, field: str) -> tuple[list[str], ValidationError | None]:
    """The messages of `field` apart, and the rest of the error (None when nothing is left)."""
    if not hasattr(error, "error_dict") or field not in error.error_dict:
        return [], error
    found = error.message_dict
    own = found.pop(field)
    return own, ValidationError(found) if found else None


def _conflict_panel(error: CsfActionItemConflict, yours: dict) -> dict:
    """What rmf/assess/_conflict.html shows: the saved values beside the user's, where they
    differ."""
    theirs = error.current
    statuses = dict(CsfActionItem.Status.choices)
    pairs = [
        ("Title", theirs["title"], yours.get("title")),
        ("Description", theirs["description"], yours.get("description")),
        ("Owner", theirs["owner_name"], person_name(yours["owner"]) if "owner" in yours else None),
        ("Due date", theirs["due_date"], yours.get("due_date")),
        ("Status", statuses.get(theirs["status"]), statuses.get(yours.get("status"))),
        ("Closure note", theirs["closure_note"], yours.get("note")),
    ]
    rows = [
        (label, theirs_value, your_value)
        for label, theirs_value, your_value in pairs
        if your_value is not None and theirs_value != your_value
    ]
    return {"message": str(error), "rows": rows}


# ----------------------------------------------------------------------------- the profile


class ProfileView(ScopedView):
    """Current against target profile, the rule, and the prioritized gaps (planners tick
    gaps to turn them into action items)."""

    access_function = organization_get_for_user
    permission = VIEW
    write_permission = FILL

    def get(self, request, pk):
        return self._render(_version(request))

    def post(self, request, pk):
        organization = self.scoped_object
        version = _version(request)
        form = GapItemsForm(request.POST, candidates=owner_candidates(organization))
        chosen = form.chosen()
        gap_errors: list[str] = []
        if form.is_valid():
            try:
                result = csf_action_items_from_gaps(
                    actor=request.user,
                    organization=organization,
                    framework=version,
                    subcategories=chosen,
                    owner=form.cleaned_data["owner"],
                    due_date=form.cleaned_data["due_date"],
                )
            except ValidationError as error:
                gap_errors, rest = _split_error(error, "subcategories")
                if rest is not None:
                    show_error(request, form, rest)
            else:
                self._report(result)
                return redirect(
                    _with_query(
                        reverse("csf:action_items", args=[pk]), version=version, status="open"
                    )
                )
        elif not chosen:
            gap_errors = ["Choose at least one gap to turn into an action item."]
        return self._render(version, form=form, chosen=chosen, gap_errors=gap_errors, status=400)

    def _report(self, result) -> None:
        created = [item.subcategory.identifier for item in result.created]
        if created:
            messages.success(
                self.request,
                f"{len(created)} action item{'s' if len(created) != 1 else ''} created: "
                f"{', '.join(created)}.",
            )
        if result.skipped:
            messages.warning(
                self.request,
                "Left out, each already has an action item open or in progress: "
                f"{', '.join(result.skipped)}.",
            )

    def _render(self, version, *, form=None, chosen=(), gap_errors=(), status=200):
        request, organization = self.request, self.scoped_object
        profile = profile_get(organization, version)
        fill = can_fill(request.user, organization)
        if fill and profile.assessment is not None and form is None:
            form = GapItemsForm(candidates=owner_candidates(organization))
        context = {
            **_common(request, organization, version, "profile"),
            "profile": profile,
            "can_fill": fill,
            "form": form if fill else None,
            "chosen": set(chosen),
            "gap_errors": gap_errors,
        }
        return render(request, "csf/profiles/profile.html", context, status=status)


# ----------------------------------------------------------------------------- targets


class TargetsView(ScopedView):
    """The target profile, one function at a time (`?function=PR`)."""

    access_function = organization_get_for_user
    permission = VIEW
    write_permission = FILL

    def get(self, request, pk):
        return self._render(_version(request), request.GET.get("function", ""))

    def post(self, request, pk):
        organization = self.scoped_object
        version = _version(request)
        page = targets_page(organization, version, request.GET.get("function", ""))
        form = TargetsForm(request.POST, lines=page.lines, levels=page.levels)
        row_errors: dict[str, list[str]] = {}
        if form.is_valid():
            try:
                saved = csf_targets_save(
                    actor=request.user,
                    organization=organization,
                    framework=version,
                    targets=[
                        TargetInput(subcategory=identifier, score=score, rationale=rationale)
                        for identifier, score, rationale in form.targets()
                    ],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    row_errors = error.message_dict
                else:
                    show_error(request, None, error)
            else:
                count = len(saved.changed)
                messages.success(
                    request,
                    f"Targets of {page.function_title} saved: "
                    + (
                        f"{count} subcategor{'ies' if count != 1 else 'y'} changed."
                        if count
                        else "nothing had changed."
                    ),
                )
                return redirect(
                    _with_query(
                        reverse("csf:targets", args=[pk]), version=version, function=page.function
                    )
                )
        return self._render(version, page.function, page=page, form=form, row_errors=row_errors)

    def _render(self, version, function, *, page=None, form=None, row_errors=None):
        request, organization = self.request, self.scoped_object
        page = page or targets_page(organization, version, function)
        fill = can_fill(request.user, organization)
        if fill and form is None:
            form = TargetsForm(lines=page.lines, levels=page.levels)
        context = {
            **_common(request, organization, version, "targets"),
            "page": page,
            "profile": page.profile,
            "can_fill": fill,
            "form": form if fill else None,
            "row_errors": row_errors or {},
        }
        status = 400 if form is not None and (form.errors or row_errors) else 200
        return render(request, "csf/profiles/targets.html", context, status=status)


# ----------------------------------------------------------------------------- action items


class ActionItemListView(ScopedView):
    """The organization's action items, filtered the way the links count them."""

    access_function = organization_get_for_user
    permission = VIEW

    def get(self, request, pk):
        organization = self.scoped_object
        today = timezone.localdate()
        form = ActionItemFilterForm(
            request.GET, functions=action_item_functions(request.GET.get("version", ""))
        )
        data = form.cleaned_data if form.is_valid() else {}
        filters = ActionItemFilters(
            status=data.get("status", ""),
            version=data.get("version", ""),
            function=data.get("function", ""),
            overdue=data.get("overdue", False),
        )
        items = action_item_list(request.user, organization, filters, today)
        page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
        version = filters.version or DEFAULT_VERSION
        context = {
            **_common(request, organization, version, "action_items"),
            "form": form,
            "filters": filters,
            "page_obj": page,
            "counts": action_item_counts(request.user, organization, today),
            "today": today,
        }
        return render(request, "csf/profiles/action_items.html", context)


class ActionItemView(ScopedView):
    """One action item: what it closes, its owner and date; planners edit it while open."""

    access_function = csf_action_item_get_for_user
    permission = VIEW
    write_permission = FILL

    def get(self, request, pk):
        return self._render()

    def post(self, request, pk):
        item = self.scoped_object
        form = ActionItemForm(request.POST, candidates=owner_candidates(item.organization))
        conflict = None
        if form.is_valid():
            try:
                csf_action_item_update(actor=request.user, item=item, **form.service_arguments())
            except CsfActionItemConflict as error:
                conflict = _conflict_panel(error, form.cleaned_data)
                data = request.POST.copy()
                data["expected_version"] = str(error.current_version)
                form = ActionItemForm(data, candidates=owner_candidates(item.organization))
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("csf:action_item", pk=pk)
            else:
                messages.success(request, "The action item is saved.")
                return redirect("csf:action_item", pk=pk)
        return self._render(edit_form=form, conflict=conflict, status=409 if conflict else 400)

    def _render(self, *, edit_form=None, close_form=None, conflict=None, status=200):
        request = self.request
        today = timezone.localdate()
        item = action_item_detail(self.scoped_object.pk, today)
        editable = item.status in OPEN_STATUSES and can_fill(request.user, item.organization)
        if editable and edit_form is None:
            edit_form = ActionItemForm(
                candidates=owner_candidates(item.organization),
                initial={
                    "title": item.title,
                    "description": item.description,
                    "owner": item.owner_id,
                    "due_date": item.due_date,
                    "status": item.status,
                    "expected_version": item.version,
                },
            )
        if editable and close_form is None:
            close_form = ActionItemCloseForm(initial={"expected_version": item.version})
        context = {
            **_common(request, item.organization, item.subcategory.version, "action_items"),
            "item": item,
            "function": item.subcategory.parent.parent,
            "category": item.subcategory.parent,
            "editable": editable,
            "edit_form": edit_form if editable else None,
            "close_form": close_form if editable else None,
            "conflict": conflict,
            "history": action_item_history(item),
        }
        return render(request, "csf/profiles/action_item.html", context, status=status)


class ActionItemCloseView(ActionItemView):
    """Close an item: done with a note, or cancelled with the reason."""

    permission = FILL
    write_permission = None
    http_method_names = ["post"]

    def post(self, request, pk):
        item = self.scoped_object
        form = ActionItemCloseForm(request.POST)
        conflict = None
        if form.is_valid():
            try:
                closed = csf_action_item_close(
                    actor=request.user,
                    item=item,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["expected_version"],
                )
            except CsfActionItemConflict as error:
                conflict = _conflict_panel(
                    error, {**form.cleaned_data, "status": form.cleaned_data["outcome"]}
                )
                data = request.POST.copy()
                data["expected_version"] = str(error.current_version)
                form = ActionItemCloseForm(data)
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("csf:action_item", pk=pk)
            else:
                label = "done" if closed.status == CsfActionItem.Status.DONE else "cancelled"
                messages.success(request, f"The action item is closed as {label}.")
                return HttpResponseRedirect(reverse("csf:action_item", args=[pk]))
        return self._render(close_form=form, conflict=conflict, status=409 if conflict else 400)


urlpatterns = [
    path("organizations/<int:pk>/csf/profile/", ProfileView.as_view(), name="profile"),
    path("organizations/<int:pk>/csf/targets/", TargetsView.as_view(), name="targets"),
    path(
        "organizations/<int:pk>/csf/action-items/",
        ActionItemListView.as_view(),
        name="action_items",
    ),
    path("csf/action-items/<int:pk>/", ActionItemView.as_view(), name="action_item"),
    path(
        "csf/action-items/<int:pk>/close/",
        ActionItemCloseView.as_view(),
        name="action_item_close",
    ),
]
