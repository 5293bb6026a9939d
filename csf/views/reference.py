"""Read-only pages of the CSF 1.1 and 2.0 cores."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from csf.models import CsfVersion
from csf.selectors.reference import (
    element_detail_get,
    function_list,
    version_check,
    version_overview_list,
)


@login_required
def csf_home(request: HttpRequest) -> HttpResponse:
    return render(request, "csf/home.html", {"versions": version_overview_list()})


@login_required
def csf_version(request: HttpRequest, version: str) -> HttpResponse:
    version = version_check(version)
    return render(
        request,
        "csf/version.html",
        {
            "version": version,
            "version_label": CsfVersion(version).label,
            "functions": function_list(version=version),
        },
    )


@login_required
def csf_element(request: HttpRequest, version: str, identifier: str) -> HttpResponse:
    detail = element_detail_get(version, identifier)
    return render(
        request,
        "csf/element.html",
        {
            "detail": detail,
            "element": detail.element,
            "version_label": CsfVersion(detail.element.version).label,
        },
    )
