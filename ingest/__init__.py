"""Ingest: messy files (CSV/TSV, Excel, JSON, GeoJSON, Parquet) become typed tables.

The pipeline (:mod:`ingest.pipeline`) detects the format and encoding by content
(:mod:`ingest.detect`), reads cells (:mod:`ingest.readers`: CSV here, workbooks in
:mod:`ingest.excel`, JSON in :mod:`ingest.json_tables`), finds the table in the layout
(:mod:`ingest.layout`), infers and normalises types over the whole file
(:mod:`ingest.types`), writes Parquet plus a Frictionless Table Schema
(:mod:`ingest.schema`) and a machine-readability report (:mod:`ingest.lint`).
:mod:`ingest.tabular` queries the result for the DataStore API.
"""
