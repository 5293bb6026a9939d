"""Year-over-year and peer benchmark reports of the CSF assessments (issue 9).

`csf.benchmarks.frames` holds every computation, as plain functions from pandas data frames to
data frames, so the report pages, the PDF and the Excel workbook show the same figures;
`csf.benchmarks.summary` puts one organization's figures into plain-language sentences.
`csf.benchmarks.rmf_metrics` does the same for the RMF programme metrics by year. The database
reads, and who may see what, are in `csf.benchmarks.data` (CSF) and `csf.benchmarks.data_rmf`.
"""
