"""Measurements of the pipeline against generated ground truth (pure functions, no I/O)."""
