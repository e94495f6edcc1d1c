"""The staff HTTP API and web page (FastAPI); ``create_app`` lives in ``sohoa.api.app``."""
