# One image for the worker, the watcher and the API: `docker run IMAGE worker|watch|serve`.

# tesserocr is compiled against Debian's libtesseract (the very engine the `tesseract` program
# is); the compiler and headers stay in this stage.
FROM python:3.11-slim-bookworm AS tesserocr
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ pkg-config libtesseract-dev libleptonica-dev \
 && rm -rf /var/lib/apt/lists/*
RUN pip wheel --no-binary tesserocr --no-deps --wheel-dir /wheels "tesserocr>=2.6"

FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd \
    poppler-utils fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
COPY --from=tesserocr /wheels /wheels
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas schemas
COPY pipeline pipeline
COPY storage storage
COPY workers workers
COPY sohoa sohoa
# The wheel carries storage/index/migrations (env.py, script.py.mako, versions/): every
# service runs them at start-up, so there is no separate migration step.
RUN pip install /wheels/*.whl . && rm -rf /app/build /wheels
# Scanned files are untrusted input for poppler and tesseract: never parse them as root.
RUN useradd --system --uid 10001 --home-dir /data sohoa && mkdir -p /data && chown sohoa /data
USER sohoa
ENV SOHOA_DATA_DIR=/data
VOLUME ["/data"]
ENTRYPOINT ["sohoa"]
