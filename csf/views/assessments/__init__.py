"""The CSF maturity self-assessment pages: an organization's list and start form, one
assessment's overview and review, the one-category-at-a-time form, the maturity scale."""

from django.urls import path

from csf.views.assessments.category import CategoryView
from csf.views.assessments.organization import MaturityScaleView, OrganizationAssessmentsView
from csf.views.assessments.overview import (
    ApproveView,
    AssessmentView,
    ReturnView,
    SubmitView,
    TiersSaveView,
)

urlpatterns = [
    path(
        "organizations/<int:pk>/csf/assessments/",
        OrganizationAssessmentsView.as_view(),
        name="organization_assessments",
    ),
    path(
        "organizations/<int:pk>/csf/maturity-scale/",
        MaturityScaleView.as_view(),
        name="maturity_scale",
    ),
    path("csf/assessments/<int:pk>/", AssessmentView.as_view(), name="assessment"),
    path("csf/assessments/<int:pk>/tiers/", TiersSaveView.as_view(), name="assessment_tiers"),
    path("csf/assessments/<int:pk>/submit/", SubmitView.as_view(), name="assessment_submit"),
    path("csf/assessments/<int:pk>/approve/", ApproveView.as_view(), name="assessment_approve"),
    path("csf/assessments/<int:pk>/return/", ReturnView.as_view(), name="assessment_return"),
    path(
        "csf/assessments/<int:pk>/categories/<str:identifier>/",
        CategoryView.as_view(),
        name="assessment_category",
    ),
]
