"""Step 4, Assess (SP 800-53A): the pages of a cycle's assessment, its findings and POA&M, and
an organization's risk table."""

from rmf.views.assess import determinations, findings, plan, poam, risk

urlpatterns = [
    *plan.urlpatterns,
    *determinations.urlpatterns,
    *findings.urlpatterns,
    *poam.urlpatterns,
    *risk.urlpatterns,
]
