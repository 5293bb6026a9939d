from csf.api import assessments, benchmarks, coverage, profiles, reference

# The assessment, coverage and profile endpoints are added before the reference ones.
urlpatterns = [
    *assessments.urlpatterns,
    *coverage.urlpatterns,
    *profiles.urlpatterns,
    *benchmarks.urlpatterns,
    *reference.urlpatterns,
]
