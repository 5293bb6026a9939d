"""The benchmark reports' charts as inline SVG strings, without a plotting library.

The same string goes into the web page and into the PDF (WeasyPrint draws inline SVG as vector
graphics), so both show the same chart; the Excel workbook uses native Excel charts instead.

Accessibility, because planners read these on screens, in print and with screen readers:
- the root is role="img", labelled by its <title> and a <desc> that states the figures in words;
- every series, bar and cell is also told apart without colour: marker shapes per line, a median
  tick and a whisker for peers, a value printed in every heatmap cell, hatching for empty cells;
- the colours are Okabe and Ito's palette (distinguishable with the common colour-vision
  deficiencies) and viridis, whose lightness rises steadily, so a grey print keeps the order;
- text is real text in fonts Debian ships, escaped, and the viewBox is fixed so the chart scales
  to its container (`max-width: 100%`) on a phone and on an A4 page.

The functions are deterministic (same input, same string; element ids derive from the input) so
that reports can be compared and cached. The data table under each chart is the page's job.
"""

from csf.benchmarks.charts.heatmap import heatmap
from csf.benchmarks.charts.peers import peer_bar_chart
from csf.benchmarks.charts.trend import trend_chart

__all__ = ["heatmap", "peer_bar_chart", "trend_chart"]
