"""The Excel form of a benchmark report (csf.benchmarks.xlsx.sheets.render_xlsx)."""

from csf.benchmarks.xlsx.sheets import render_xlsx
from csf.benchmarks.xlsx.writer import TOP_LEVELS

__all__ = ["TOP_LEVELS", "render_xlsx"]
