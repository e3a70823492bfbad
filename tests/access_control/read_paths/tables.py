"""Read paths of ingested tables: DataStore dumps in every format, and data packages."""

from __future__ import annotations

import io

from tests.access_control.read_paths import read_path

DUMP_FORMATS = ("csv", "tsv", "json", "xlsx", "parquet", "geojson")


def _as_text(dump_format: str, status: int, body: bytes) -> str:
    """The cells of a dump as text (spreadsheets and Parquet are binary)."""
    if status != 200:
        return body.decode(errors="replace")
    if dump_format == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(cell) for sheet in book for row in sheet.values for cell in row)
    if dump_format == "parquet":
        import pyarrow.parquet as pq

        return str(pq.read_table(io.BytesIO(body)).to_pylist())
    return body.decode()


@read_path("DataStore dumps in every format", reveals={"file"})
def dumps(world, caller):
    texts = []
    for secret in world.secrets:
        for dump_format in DUMP_FORMATS:
            response = caller.client.get(f"/datastore/dump/{secret.resource_id}?format={dump_format}")
            assert response.status_code < 500, (dump_format, response.status_code)
            assert response.status_code == 200 or dump_format != "geojson" or \
                response.status_code in (403, 404), response.status_code  # never "no coordinates"
            texts.append(_as_text(dump_format, response.status_code, response.get_data()))
    return "\n".join(texts)


@read_path("data packages")
def data_packages(world, caller):
    """Published for open datasets only: 404 for every closed one, whoever asks."""
    texts = [caller.get(f"/dataset/{world.open_dataset}/datapackage.json")[1]]
    for secret in world.secrets:
        for reference in (secret.dataset_name, secret.dataset_id):
            status, text = caller.get(f"/dataset/{reference}/datapackage.json")
            assert status == 404, (reference, status)
            texts.append(text)
    return "\n".join(texts)
