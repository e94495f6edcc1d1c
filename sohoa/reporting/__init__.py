"""Presenting a Report: terminal table, CSV, XLSX, self-contained HTML (JSON is the model)."""
