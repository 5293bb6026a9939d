"""Step 3, Implement (SP 800-37 I-1, I-2): the worklist of a cycle's controls with its filters,
progress and bulk status change, and each control's implementation page: status, responsible
roles, a narrative per statement part with the parameter values inline, conflicts shown side by
side, "Save and next" through the filtered list, and the evidence attached."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse

from assets.roles import EDIT_RMF, VIEW
from assets.selectors import user_can
from rmf.forms_implementation import (
    BulkStatusForm,
    EvidenceChoiceForm,
    ImplementationForm,
    NarrativeForm,
    WorklistFilterForm,
    evidence_forms,
    fingerprint,
    normalized_text,
)
from rmf.models import ImplementationStatus
from rmf.selectors.implementation import (
    evidence_attachable,
    implementation_closed_reason,
    implementation_progress,
    implementation_worklist,
    worklist_position,
)
from rmf.selectors.implementation_page import ControlImplementationPage, control_implementation_page
from rmf.selectors.workflow import selected_control_get_for_user
from rmf.services.control_implementation import (
    IMPLEMENTATION,
    ImplementationNotSaved,
    control_evidence_add,
    control_implementation_save,
)
from rmf.services.implementation import (
    evidence_attach,
    evidence_detach,
    implementation_status_bulk_set,
)
from rmf.views.workflow import CycleView, RmfView, permissions_on, show_error


def _with_query(url: str, query: str, fragment: str = "") -> str:
    return url + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")


# --- the worklist ---------------------------------------------------------------------------


class ImplementView(CycleView):
    """The worklist; the bulk status view re-renders it with its form's errors."""

    def get(self, request, pk):
        return self.render_page()

    def render_page(self, status: int = 200, bulk_form: BulkStatusForm | None = None):
        authorization = self.scoped_object
        progress = implementation_progress(authorization)
        filter_form = WorklistFilterForm(self.request.GET, families=progress.families)
        rows = implementation_worklist(authorization, **filter_form.filters())
        permissions = permissions_on(self.request.user, authorization.system)
        closed_reason = implementation_closed_reason(authorization)
        checked = set()
        if bulk_form is not None and bulk_form.is_bound:
            checked = set(bulk_form.cleaned_data.get("controls") or [])
        context = {
            "authorization": authorization,
            "system": authorization.system,
            "progress": progress,
            "filter_form": filter_form,
            "filtered": filter_form.active,
            "query": filter_form.query_string(),
            "rows": rows,
            "closed_reason": closed_reason,
            "editable": permissions["can_edit"] and not closed_reason,
            "bulk_form": bulk_form or BulkStatusForm(),
            "checked": checked,
            "statuses": ImplementationStatus.choices,
            **permissions,
        }
        return render(self.request, "rmf/workflow/implement.html", context, status=status)


class ImplementationBulkStatusView(ImplementView):
    permission = EDIT_RMF
    http_method_names = ["post"]

    def post(self, request, pk):
        form = BulkStatusForm(request.POST)
        back = _with_query(reverse("rmf:implement", args=[pk]), request.GET.urlencode(), "worklist")
        if form.is_valid():
            try:
                count = implementation_status_bulk_set(
                    actor=request.user,
                    authorization=self.scoped_object,
                    selected_ids=form.selected_ids(),
                    status=form.cleaned_data["status"],
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return HttpResponseRedirect(back)
            else:
                label = ImplementationStatus(form.cleaned_data["status"]).label
                if count:
                    messages.success(request, f"{count} control(s) are now “{label}”.")
                else:
                    messages.info(request, f"No control changed: they were already “{label}”.")
                return HttpResponseRedirect(back)
        return self.render_page(400, bulk_form=form)


# --- one control ----------------------------------------------------------------------------


@dataclass
class PageForms:
    """The control page's forms. A form whose fields were not sent is unbound and left out of
    the save (a client may send only the parts it changed); a browser sends them all."""

    implementation: ImplementationForm
    narratives: dict[str, NarrativeForm]  # by part id; none for a common control

    def bound(self) -> list:
        forms = [self.implementation, *self.narratives.values()]
        return [form for form in forms if form.is_bound]

    def is_valid(self) -> bool:
        results = [form.is_valid() for form in self.bound()]
        return all(results)

    def service_arguments(self) -> dict:
        arguments = {}
        if self.implementation.is_bound:
            arguments.update(self.implementation.service_arguments())
        changes = [form.change() for form in self.narratives.values() if form.is_bound]
        arguments["narratives"] = [change for change in changes if change is not None]
        return arguments

    def place(self, key: str, error: ValidationError) -> None:
        """A service's refusal next to the field it names, on the form it concerns."""
        form = self.implementation if key == IMPLEMENTATION else self.narratives.get(key)
        if form is None:
            return
        visible = {field.name for field in form.visible_fields()}
        for name, errors in error.message_dict.items():
            form.add_error(name if name in visible else None, errors)


def page_forms(page: ControlImplementationPage, data=None) -> PageForms:
    def sent(name: str):
        return data if data is not None and name in data else None

    implementation = ImplementationForm(
        sent("expected_version"),
        initial=ImplementationForm.initial_for(page.status, page.responsible_roles, page.version),
    )
    narratives = {}
    if page.own_narratives:
        for item in page.parts:
            narratives[item.part.pk] = NarrativeForm(
                sent(f"part-{item.part.pk}-text"),
                part_id=item.part.pk,
                initial=NarrativeForm.initial_for(item.text, item.version),
            )
    return PageForms(implementation, narratives)


class ControlImplementationView(RmfView):
    access_function = selected_control_get_for_user
    permission = VIEW
    write_permission = EDIT_RMF

    def get(self, request, pk):
        return self.render_page()

    def post(self, request, pk):
        selected = self.scoped_object
        page = control_implementation_page(selected)
        forms = page_forms(page, request.POST)
        if not forms.is_valid():
            messages.error(request, "Nothing was saved: correct the fields marked below.")
            return self.render_page(400, page=page, forms=forms)
        try:
            control_implementation_save(
                actor=request.user, selected_control=selected, **forms.service_arguments()
            )
        except ImplementationNotSaved as refused:
            return self._refused(refused)
        except ValidationError as error:
            show_error(request, None, error)
            return self.render_page(400, forms=forms)
        messages.success(request, f"{selected.control.label} is saved.")
        if "next" in request.POST:
            return self._next()
        return HttpResponseRedirect(self.page_url(selected.pk, "implementation"))

    def page_url(self, pk: int, fragment: str = "") -> str:
        url = reverse("rmf:control_implementation", args=[pk])
        return _with_query(url, self.filter_form().query_string(), fragment)

    def filter_form(self) -> WorklistFilterForm:
        return WorklistFilterForm(self.request.GET)

    def _next(self):
        selected = self.scoped_object
        filters = self.filter_form()
        position = worklist_position(selected.authorization, selected, **filters.filters())
        if position.next is not None:
            return HttpResponseRedirect(self.page_url(position.next.pk, "implementation"))
        messages.info(self.request, "That was the last control of your list.")
        url = reverse("rmf:implement", args=[selected.authorization_id])
        return HttpResponseRedirect(_with_query(url, filters.query_string(), "worklist"))

    def _refused(self, refused: ImplementationNotSaved):
        """The page as saved now, the user's input kept, each conflicting field carrying the
        version it now answers so that saving again applies the user's text."""
        data = self.request.POST.copy()
        conflict = refused.implementation_conflict
        if conflict is not None:
            data["expected_version"] = str(conflict.current_version)
            data["base"] = fingerprint(
                conflict.current["status"], conflict.current["responsible_roles"]
            )
        for part_id, narrative_conflict in refused.narrative_conflicts.items():
            data[f"part-{part_id}-version"] = str(narrative_conflict.current_version)
            data[f"part-{part_id}-base"] = fingerprint(
                normalized_text(narrative_conflict.current_text)
            )
        page = control_implementation_page(self.scoped_object)
        forms = page_forms(page, data)
        forms.is_valid()
        for key, error in refused.errors.items():
            forms.place(key, error)
        in_conflict = conflict is not None or bool(refused.narrative_conflicts)
        if in_conflict:
            messages.warning(self.request, str(refused))
        else:
            messages.error(self.request, "Nothing was saved: correct the fields marked below.")
        return self.render_page(
            409 if in_conflict else 400, page=page, forms=forms, refused=refused
        )

    def render_page(
        self,
        status: int = 200,
        *,
        page: ControlImplementationPage | None = None,
        forms: PageForms | None = None,
        refused: ImplementationNotSaved | None = None,
        attach_form: EvidenceChoiceForm | None = None,
        upload_form=None,
        link_form=None,
    ):
        selected = self.scoped_object
        authorization = selected.authorization
        page = page or control_implementation_page(selected)
        filters = self.filter_form()
        can_edit = user_can(self.request.user, EDIT_RMF, authorization.system)
        editable = can_edit and not page.closed_reason and selected.is_active
        forms = (forms or page_forms(page)) if editable else None
        conflicts = refused.narrative_conflicts if refused else {}
        parts, shown = [], []
        for item in page.parts:
            # The items a part continues ("d. Specify:") are shown once, above its first part.
            common = 0
            while common < min(len(shown), len(item.context)) and (
                shown[common].label == item.context[common].label
            ):
                common += 1
            shown = item.context
            parts.append(
                {
                    "item": item,
                    "context": item.context[common:],
                    "form": forms.narratives.get(item.part.pk) if forms else None,
                    "conflict": conflicts.get(item.part.pk),
                }
            )
        implementation_conflict = None
        if refused is not None and refused.implementation_conflict is not None:
            theirs = refused.implementation_conflict.current
            yours = forms.implementation.cleaned_data
            implementation_conflict = {
                "message": str(refused.implementation_conflict),
                "by": page.implementation.updated_by if page.implementation else None,
                "rows": [
                    (
                        "Status",
                        _status_label(theirs["status"]),
                        _status_label(yours.get("status", "")),
                    ),
                    (
                        "Responsible roles",
                        theirs["responsible_roles"] or "—",
                        yours.get("responsible_roles") or "—",
                    ),
                ],
            }
        default_upload, default_link = evidence_forms()
        context = {
            "selected": selected,
            "control": selected.control,
            "authorization": authorization,
            "system": authorization.system,
            "page": page,
            "parts": parts,
            "forms": forms,
            "implementation_conflict": implementation_conflict,
            "editable": editable,
            "can_edit": can_edit,
            "position": worklist_position(authorization, selected, **filters.filters()),
            "query": filters.query_string(),
            "filtered": filters.active,
            "attach_form": attach_form
            or (
                EvidenceChoiceForm(queryset=evidence_attachable(self.request.user, selected))
                if editable
                else None
            ),
            "upload_form": upload_form or default_upload,
            "link_form": link_form or default_link,
        }
        return render(
            self.request, "rmf/workflow/control_implementation.html", context, status=status
        )


def _status_label(value: str) -> str:
    return ImplementationStatus(value).label if value else "Not documented yet"


# --- evidence of one control ----------------------------------------------------------------


class ControlEvidenceView(ControlImplementationView):
    permission = EDIT_RMF
    write_permission = None
    http_method_names = ["post"]

    def back(self):
        return HttpResponseRedirect(self.page_url(self.scoped_object.pk, "evidence"))


class ControlEvidenceAttachView(ControlEvidenceView):
    def post(self, request, pk):
        selected = self.scoped_object
        form = EvidenceChoiceForm(
            request.POST, queryset=evidence_attachable(request.user, selected)
        )
        if form.is_valid():
            evidence = form.cleaned_data["evidence"]
            try:
                evidence_attach(actor=request.user, evidence=evidence, selected_control=selected)
            except ValidationError as error:
                if not show_error(request, form, error):
                    return self.back()
            else:
                messages.success(
                    request, f"“{evidence.title}” is attached to {selected.control.label}."
                )
                return self.back()
        return self.render_page(400, attach_form=form)


class ControlEvidenceDetachView(ControlEvidenceView):
    def post(self, request, pk):
        selected = self.scoped_object
        form = EvidenceChoiceForm(request.POST, queryset=selected.evidence.all())
        if not form.is_valid():
            messages.error(request, "This evidence is not attached to the control.")
            return self.back()
        evidence = form.cleaned_data["evidence"]
        try:
            evidence_detach(actor=request.user, evidence=evidence, selected_control=selected)
        except ValidationError as error:
            show_error(request, None, error)
        else:
            messages.success(
                request,
                f"“{evidence.title}” is no longer attached to {selected.control.label}; it "
                "stays in the evidence library.",
            )
        return self.back()


class ControlEvidenceAddView(ControlEvidenceView):
    """Upload a file, or record a link, into the library of the system's organization, and
    attach it to the control."""

    def post(self, request, pk):
        kind = "file" if request.POST.get("kind") == "file" else "link"
        upload, link = evidence_forms(request.POST, request.FILES, kind)
        form = upload if kind == "file" else link
        if form.is_valid():
            try:
                evidence = control_evidence_add(
                    actor=request.user,
                    selected_control=self.scoped_object,
                    **form.service_arguments(),
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return self.back()
            else:
                messages.success(
                    request,
                    f"“{evidence.title}” is in the evidence library and attached to "
                    f"{self.scoped_object.control.label}.",
                )
                return self.back()
        return self.render_page(400, upload_form=upload, link_form=link)


urlpatterns = [
    path("authorizations/<int:pk>/implement/", ImplementView.as_view(), name="implement"),
    path(
        "authorizations/<int:pk>/implement/bulk-status/",
        ImplementationBulkStatusView.as_view(),
        name="implementation_bulk_status",
    ),
    path(
        "selected-controls/<int:pk>/implementation/",
        ControlImplementationView.as_view(),
        name="control_implementation",
    ),
    path(
        "selected-controls/<int:pk>/evidence/attach/",
        ControlEvidenceAttachView.as_view(),
        name="control_evidence_attach",
    ),
    path(
        "selected-controls/<int:pk>/evidence/detach/",
        ControlEvidenceDetachView.as_view(),
        name="control_evidence_detach",
    ),
    path(
        "selected-controls/<int:pk>/evidence/add/",
        ControlEvidenceAddView.as_view(),
        name="control_evidence_add",
    ),
]
