"""Step 1, Categorize: the planner answers, per information type and objective, whether the
SP 800-60 provisional level fits this system; the categorization follows (FIPS 199)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path

from assets.roles import EDIT_RMF
from assets.selectors import user_can
from rmf.forms import QUESTIONS, ImpactForm, level_label
from rmf.impact import OBJECTIVES
from rmf.models import Objective, Step
from rmf.selectors.workflow import cycle_facts
from rmf.services.categorization import impact_adjust
from rmf.views.workflow import CycleView, show_error


def _prefix(link_pk: int, objective: str) -> str:
    return f"t{link_pk}-{objective}"


class CategorizeView(CycleView):
    write_permission = EDIT_RMF

    def get(self, request, pk):
        return self._render(cycle_facts(self.scoped_object))

    def post(self, request, pk):
        authorization = self.scoped_object
        facts = cycle_facts(authorization)
        objective = request.POST.get("objective", "")
        item = next(
            (
                item
                for item in facts.categorization.types
                if str(item.link.pk) == request.POST.get("information_type")
            ),
            None,
        )
        if item is None or objective not in OBJECTIVES:
            messages.error(request, "Pick one of this system's information types and objectives.")
            return redirect("rmf:categorize", pk=pk)
        form = ImpactForm(
            request.POST,
            prefix=_prefix(item.link.pk, objective),
            provisional=item.provisional[objective],
        )
        if form.is_valid():
            try:
                impact_adjust(
                    actor=request.user,
                    authorization=authorization,
                    system_information_type=item.link,
                    objective=objective,
                    level=form.level_or_none(),
                    justification=form.cleaned_data["justification"],
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:categorize", pk=pk)
            else:
                level = form.level_or_none() or item.provisional[objective]
                messages.success(
                    request,
                    f"{Objective(objective).label} of {item.title} is now {level_label(level)}.",
                )
                return redirect("rmf:categorize", pk=pk)
        return self._render(facts, bound=form, status=400)

    def _render(self, facts, *, bound=None, status=200):
        authorization = self.scoped_object
        result = facts.categorization
        can_edit = user_can(self.request.user, EDIT_RMF, authorization.system)
        editable = (
            can_edit
            and facts.is_open
            and authorization.step == Step.CATEGORIZE
            and not result.approved
        )
        types = []
        for item in result.types:
            questions = []
            for objective in OBJECTIVES:
                prefix = _prefix(item.link.pk, objective)
                adjustment = item.adjustments.get(objective)
                form = None
                if editable:
                    form = (
                        bound
                        if bound is not None and bound.prefix == prefix
                        else ImpactForm(
                            prefix=prefix,
                            provisional=item.provisional[objective],
                            initial={
                                "level": adjustment.level if adjustment else "",
                                "justification": adjustment.justification if adjustment else "",
                            },
                        )
                    )
                questions.append(
                    {
                        "objective": objective,
                        "label": Objective(objective).label,
                        "question": QUESTIONS[objective],
                        "provisional": item.provisional[objective],
                        "provisional_label": level_label(item.provisional[objective]),
                        "note": item.notes[objective],
                        "effective": item.effective[objective],
                        "effective_label": level_label(item.effective[objective]),
                        "adjustment": adjustment,
                        "form": form,
                    }
                )
            types.append({"item": item, "questions": questions})
        context = {
            "authorization": authorization,
            "system": authorization.system,
            "result": result,
            "types": types,
            "objectives": [Objective(objective) for objective in OBJECTIVES],
            "can_edit": can_edit,
            "is_open": facts.is_open,
            "editable": editable,
            "c3": facts.signoffs.get("C-3"),
        }
        return render(self.request, "rmf/workflow/categorize.html", context, status=status)


urlpatterns = [
    path("authorizations/<int:pk>/categorize/", CategorizeView.as_view(), name="categorize"),
]
