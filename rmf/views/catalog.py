"""Read-only pages of the SP 800-53 catalog: families, the control list and one control."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rmf.selectors.catalog import (
    control_detail_get,
    control_search,
    family_control_list,
    family_get,
    family_list,
    withdrawn_targets,
)
from rmf.views.filters import ControlFilterForm

PAGE_SIZE = 50


@login_required
def family_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "rmf/catalog/family_list.html", {"families": family_list()})


@login_required
def family_detail_view(request: HttpRequest, family_id: str) -> HttpResponse:
    family = family_get(family_id)
    rows = [
        (control, withdrawn_targets(control) if control.withdrawn else [])
        for control in family_control_list(family)
    ]
    return render(request, "rmf/catalog/family_detail.html", {"family": family, "rows": rows})


@login_required
def control_list_view(request: HttpRequest) -> HttpResponse:
    form = ControlFilterForm(request.GET)
    arguments = form.search_arguments()
    controls = control_search(**arguments)
    page = Paginator(controls, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rmf/catalog/control_list.html",
        {"form": form, "page_obj": page, "hiding_withdrawn": arguments["withdrawn"] is False},
    )


@login_required
def control_detail_view(request: HttpRequest, control_id: str) -> HttpResponse:
    detail = control_detail_get(control_id)
    return render(
        request,
        "rmf/catalog/control_detail.html",
        {
            "detail": detail,
            "control": detail.control,
            "params": detail.params_by_reference,
        },
    )
