"""sohoa: the command line, HTTP API and staff page over pipeline, storage and workers."""

__version__ = "0.1.0"
