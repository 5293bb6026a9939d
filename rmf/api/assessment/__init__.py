"""Step 4, Assess (SP 800-53A), over the REST API. One view per address; the views whose
address reads and writes declare the permission of each (`ScopedApiView.write_permission`)."""

from rmf.api.assessment import determinations, findings, plan, poam, risk

urlpatterns = [
    *plan.urlpatterns,
    *determinations.urlpatterns,
    *findings.urlpatterns,
    *poam.urlpatterns,
    *risk.urlpatterns,
]
