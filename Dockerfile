# One image for the worker, the watcher and the API.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd \
    poppler-utils fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas schemas
COPY pipeline pipeline
COPY storage storage
COPY workers workers
COPY sohoa sohoa
RUN pip install --no-cache-dir .
ENV SOHOA_DATA_DIR=/data
VOLUME ["/data"]
ENTRYPOINT ["sohoa"]
