"""Digitization and reuse indicators as the provinces measure them (see ``indicators``)."""

from schemas.reporting import Rate, Report
from storage.reports.build import build_report
from storage.reports.summary import DigitizationSummary, summary, whole_index_report

__all__ = ["DigitizationSummary", "Rate", "Report", "build_report", "summary", "whole_index_report"]
