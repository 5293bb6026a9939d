"""Step 5, Authorize (SP 800-37 R-1 to R-5): the authorization package and its submission, the
authorizing official's risk page (determination, response per finding) and the decision page
where the system's authorizing official signs with their password. A signed decision is shown,
never edited."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from assets.roles import AUTHORIZE, EDIT_RMF
from assets.selectors import user_can
from rmf.models import AuthorizationDecision, RiskResponseKind, RiskScale
from rmf.selectors.assessment import finding_get_for_user
from rmf.selectors.authorize_pages import (
    RISK_LEVELS_DESC,
    STATUS_LABELS,
    decision_page,
    in_authorize_or_later,
    package_page,
    risk_page,
    suggested_termination,
)
from rmf.selectors.pages import person_name
from rmf.services.authorize import (
    RiskDeterminationConflict,
    RiskResponseConflict,
    decision_sign,
    risk_determination_record,
    risk_response_record,
)
from rmf.services.workflow import task_signoff
from rmf.views.workflow import CycleView, RmfView, permissions_on, show_error

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
Kind = AuthorizationDecision.Kind

# --- forms: they shape the input, the services judge it -------------------------------------


class PackageSubmitForm(forms.Form):
    note = forms.CharField(
        label="Note to the authorizing official (optional)", required=False, widget=TEXTAREA
    )


class RiskDeterminationForm(forms.Form):
    risk_level = forms.ChoiceField(
        label="Risk of operating the system",
        choices=[("", "Choose a level"), *reversed(RiskScale.choices)],
        required=False,
        help_text="SP 800-30's scale. Weigh the open findings, their risk, the POA&M and the "
        "risk per family and CSF function above.",
    )
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        widget=TEXTAREA,
        help_text="Why this level: it becomes part of the authorization package.",
    )
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RiskResponseForm(forms.Form):
    response = forms.ChoiceField(
        label="Response",
        choices=RiskResponseKind.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Accept the risk as it is, mitigate it (the POA&M item), avoid it (stop what "
        "causes it), or share or transfer it (insurance, a provider).",
    )
    rationale = forms.CharField(label="Rationale", required=False, widget=TEXTAREA)
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class LinesField(forms.CharField):
    """A textarea read as a list: one item per non-empty line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Decision",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision."},
    )
    conditions = LinesField(
        label="Conditions",
        required=False,
        help_text="For an authorization with conditions: one condition per line.",
    )
    terms = forms.CharField(
        label="Terms and conditions of operation",
        required=False,
        widget=TEXTAREA,
        help_text="What the authorization covers and requires, e.g. operation within the "
        "boundary of the security plan.",
    )
    decision_date = forms.DateField(
        label="Decision date", widget=DATE, help_text="The day you sign: today."
    )
    termination_date = forms.DateField(
        label="Termination date (expiry)", required=False, widget=DATE
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Re-enter your password to sign: the signature is yours alone.",
        error_messages={"required": "Enter your password to sign."},
    )

    def __init__(self, *args, today, **kwargs):
        suggestions = {kind: suggested_termination(kind, today) for kind in Kind.values}
        kwargs.setdefault(
            "initial",
            {"kind": Kind.ATO, "decision_date": today, "termination_date": suggestions[Kind.ATO]},
        )
        super().__init__(*args, **kwargs)
        self.fields["termination_date"].help_text = (
            f"Usually {suggestions[Kind.ATO]:%Y-%m-%d} for an authorization to operate (three "
            f"years), {suggestions[Kind.IATT]:%Y-%m-%d} for an interim authorization to test "
            "(six months). Leave it empty for a denial."
        )


# --- the package (R-1) ----------------------------------------------------------------------


class PackageView(CycleView):
    def get(self, request, pk):
        authorization = self.scoped_object
        page = package_page(authorization)
        context = {
            "authorization": authorization,
            "system": authorization.system,
            "page": page,
            "facts": page.facts,
            "is_open": page.facts.is_open,
            "in_authorize": in_authorize_or_later(authorization),
            "status_labels": list(STATUS_LABELS.values()),
            "submit_form": PackageSubmitForm(),
            **permissions_on(request.user, authorization.system),
        }
        return render(request, "rmf/authorize/package.html", context)


class PackageSubmitView(CycleView):
    """R-1: the system team submits the package to the authorizing official (the task's
    sign-off, given by EDIT_RMF holders)."""

    permission = EDIT_RMF

    def post(self, request, pk):
        form = PackageSubmitForm(request.POST)
        form.is_valid()  # the note is optional: always valid
        try:
            task_signoff(
                actor=request.user,
                authorization=self.scoped_object,
                task="R-1",
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as error:
            show_error(request, None, error)
        else:
            messages.success(request, "The package is submitted to the authorizing official (R-1).")
        return redirect("rmf:authorize", pk=pk)


# --- risk (R-2, R-3) ------------------------------------------------------------------------


def render_risk(request, authorization, status: int = 200, conflict=None, **forms):
    page = risk_page(authorization)
    permissions = permissions_on(request.user, authorization.system)
    can_record = (
        permissions["can_authorize"] and page.facts.is_open and in_authorize_or_later(authorization)
    )
    determination = page.determination
    determination_form = forms.get("determination_form") or RiskDeterminationForm(
        initial={
            "risk_level": determination.risk_level,
            "rationale": determination.rationale,
            "expected_version": determination.version,
        }
        if determination
        else None
    )
    response_forms = forms.get("response_forms", {})
    for finding in page.findings:
        response = getattr(finding, "risk_response", None)
        finding.response = response
        finding.response_form = response_forms.get(finding.pk) or RiskResponseForm(
            prefix=f"finding-{finding.pk}",
            initial={
                "response": response.response,
                "rationale": response.rationale,
                "expected_version": response.version,
            }
            if response
            else None,
        )
    context = {
        "authorization": authorization,
        "system": authorization.system,
        "page": page,
        "facts": page.facts,
        "is_open": page.facts.is_open,
        "in_authorize": in_authorize_or_later(authorization),
        "can_record": can_record,
        "determination_form": determination_form,
        "risk_levels": RISK_LEVELS_DESC,
        "conflict": conflict,
        "conflict_for": forms.get("conflict_for"),
        **permissions,
    }
    return render(request, "rmf/authorize/risk.html", context, status=status)


class RiskView(CycleView):
    """The authorizing official's view of the risk; they record the determination (R-2)."""

    write_permission = AUTHORIZE

    def get(self, request, pk):
        return render_risk(request, self.scoped_object)

    def post(self, request, pk):
        authorization = self.scoped_object
        form = RiskDeterminationForm(request.POST)
        if form.is_valid():
            try:
                risk_determination_record(
                    actor=request.user, authorization=authorization, **form.cleaned_data
                )
            except RiskDeterminationConflict as conflict:
                current = conflict.current
                data = request.POST.copy()
                data["expected_version"] = str(current.version)
                message = (
                    f"{person_name(current.determined_by) or 'Someone'} recorded the risk as "
                    f"{current.get_risk_level_display().lower()} at "
                    f"{timezone.localtime(current.determined_at):%Y-%m-%d %H:%M} while you were "
                    f"editing, with this rationale: “{current.rationale}”."
                )
                return render_risk(
                    request,
                    authorization,
                    409,
                    conflict={"message": message},
                    conflict_for="determination",
                    determination_form=RiskDeterminationForm(data),
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:authorize_risk", pk=pk)
            else:
                messages.success(request, "The risk determination is recorded (R-2).")
                return redirect("rmf:authorize_risk", pk=pk)
        return render_risk(request, authorization, 400, determination_form=form)


class RiskResponseView(RmfView):
    """The authorizing official's response to the risk of one finding not closed (R-3)."""

    access_function = finding_get_for_user
    permission = AUTHORIZE
    http_method_names = ["post"]

    def post(self, request, pk):
        finding = self.scoped_object
        authorization = finding.assessment.authorization
        prefix = f"finding-{finding.pk}"
        form = RiskResponseForm(request.POST, prefix=prefix)
        back = reverse("rmf:authorize_risk", args=[authorization.pk]) + f"#finding-{finding.pk}"
        if form.is_valid():
            try:
                risk_response_record(actor=request.user, finding=finding, **form.cleaned_data)
            except RiskResponseConflict as conflict:
                current = conflict.current
                data = request.POST.copy()
                data[f"{prefix}-expected_version"] = str(current.version)
                message = (
                    f"{person_name(current.decided_by) or 'Someone'} recorded the response to "
                    f"{finding.code} as {current.get_response_display().lower()} while you were "
                    f"editing, with this rationale: “{current.rationale}”."
                )
                return render_risk(
                    request,
                    authorization,
                    409,
                    conflict={"message": message},
                    conflict_for=finding.pk,
                    response_forms={finding.pk: RiskResponseForm(data, prefix=prefix)},
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect(back)
            else:
                messages.success(request, f"The response to {finding.code} is recorded (R-3).")
                return redirect(back)
        return render_risk(request, authorization, 400, response_forms={finding.pk: form})


# --- the decision (R-4, R-5) ----------------------------------------------------------------


def render_decision(request, authorization, status: int = 200, form=None):
    page = decision_page(authorization)
    system = authorization.system
    is_signer = system.authorizing_official_id == request.user.pk and user_can(
        request.user, AUTHORIZE, system
    )
    can_sign = (
        is_signer
        and page.decision is None
        and page.facts.is_open
        and authorization.step == "authorize"
    )
    today = timezone.localdate()
    context = {
        "authorization": authorization,
        "system": system,
        "page": page,
        "facts": page.facts,
        "decision": page.decision,
        "is_open": page.facts.is_open,
        "is_signer": is_signer,
        "can_sign": can_sign,
        "form": (form or DecisionForm(today=today)) if can_sign else None,
        "today": today,
    }
    return render(request, "rmf/authorize/decision.html", context, status=status)


class DecisionView(CycleView):
    """The decision of the cycle; the system's authorizing official signs it here (R-4)."""

    write_permission = AUTHORIZE

    def get(self, request, pk):
        return render_decision(request, self.scoped_object)

    def post(self, request, pk):
        authorization = self.scoped_object
        form = DecisionForm(request.POST, today=timezone.localdate())
        if form.is_valid():
            try:
                decision = decision_sign(
                    actor=request.user, authorization=authorization, **form.cleaned_data
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:authorize_decision", pk=pk)
            else:
                messages.success(
                    request,
                    f"You signed the decision: {decision.get_kind_display().lower()}. The "
                    "package is frozen with it.",
                )
                return redirect("rmf:authorize_decision", pk=pk)
        return render_decision(request, authorization, 400, form=form)


urlpatterns = [
    path("authorizations/<int:pk>/authorize/", PackageView.as_view(), name="authorize"),
    path(
        "authorizations/<int:pk>/authorize/submit/",
        PackageSubmitView.as_view(),
        name="package_submit",
    ),
    path("authorizations/<int:pk>/authorize/risk/", RiskView.as_view(), name="authorize_risk"),
    path("findings/<int:pk>/risk-response/", RiskResponseView.as_view(), name="risk_response"),
    path(
        "authorizations/<int:pk>/authorize/decision/",
        DecisionView.as_view(),
        name="authorize_decision",
    ),
]
