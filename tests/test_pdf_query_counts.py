"""The PDF documents read their data in a fixed number of queries: a HIGH system's plan (370
controls, over a thousand statement parts) takes as many as a LOW one's (149 controls)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rmf.documents.pdf.documents import package_html, ssp_html
from rmf.models import SelectedControl
from tests.test_rmf_cycles import (
    TYPE_HIGH,
    complete_implementation,
    cycle_in_assess,
    cycle_in_implement,
)


def test_the_plan_and_the_package_take_the_same_queries_for_low_and_high(personas):
    low = cycle_in_assess(personas)
    high = complete_implementation(
        personas, cycle_in_implement(personas, personas.sibling_system, types=(TYPE_HIGH,))
    )
    assert SelectedControl.objects.filter(authorization=high).count() > 300
    counts = {}
    sizes = {}
    for build in (ssp_html, package_html):
        for name, authorization in (("low", low), ("high", high)):
            with CaptureQueriesContext(connection) as queries:
                html = build(authorization)
            counts[(build.__name__, name)] = len(queries)
            sizes[(build.__name__, name)] = html.count('class="control"')
    assert counts[("ssp_html", "low")] == counts[("ssp_html", "high")]
    assert counts[("package_html", "low")] == counts[("package_html", "high")]
    assert sizes[("ssp_html", "high")] > sizes[("ssp_html", "low")] + 200
