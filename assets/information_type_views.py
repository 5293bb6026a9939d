"""SP 800-60 information types in the browser, read-only."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assets.catalog_selectors import (
    information_type_categories,
    information_type_get,
    information_type_search,
)
from assets.models import ProvisionalImpact

PAGE_SIZE = 50


class InformationTypeFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    category = forms.ChoiceField(required=False)
    impact = forms.ChoiceField(
        required=False,
        label="Impact level",
        choices=[("", "Any impact level"), *ProvisionalImpact.choices],
        help_text="The highest of the provisional confidentiality, integrity and availability.",
    )

    def __init__(self, *args, categories: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories")] + [(c, c) for c in categories]

    def search_arguments(self) -> dict[str, str]:
        self.is_valid()  # cleaned_data keeps the fields that are valid
        data = self.cleaned_data
        return {key: data.get(key) or "" for key in ("q", "category", "impact")}


@login_required
def information_type_list(request: HttpRequest) -> HttpResponse:
    form = InformationTypeFilterForm(request.GET, categories=information_type_categories())
    types = information_type_search(**form.search_arguments())
    page = Paginator(types, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assets/information_types/list.html", {"form": form, "page_obj": page})


@login_required
def information_type_detail(request: HttpRequest, pk: str) -> HttpResponse:
    return render(
        request,
        "assets/information_types/detail.html",
        {"information_type": information_type_get(pk)},
    )
