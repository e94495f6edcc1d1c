"""Pydantic models shared by every layer: settings, documents, OCR, fields, records, jobs."""
