"""The inventory in the browser: systems, their parts, information types and assessors."""

from assets.views.systems import assessors, information_types, parts, records

urlpatterns = [
    *records.urlpatterns,
    *parts.urlpatterns,
    *information_types.urlpatterns,
    *assessors.urlpatterns,
]
