"""Report: the run's results as files for machines and a summary for people."""

from wiretrace.report.files import write_outputs
from wiretrace.report.summary import print_summary

__all__ = ["print_summary", "write_outputs"]
