FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    CATALOG_INSTANCE_DIR=/data
WORKDIR /app
COPY setup.cfg pyproject.toml README.md ./
COPY catalog catalog
COPY access_control access_control
COPY ingest ingest
COPY harvesters harvesters
RUN pip install --no-cache-dir -e . && pybabel compile -d catalog/translations
COPY . .

RUN useradd --create-home catalog && mkdir -p /data && chown catalog /data
USER catalog
VOLUME /data
EXPOSE 5000
CMD ["sh", "-c", "catalog init && catalog serve --host 0.0.0.0 --port 5000"]
