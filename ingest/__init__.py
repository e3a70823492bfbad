"""Turning uploaded files into typed, queryable tables: detect, parse, lint, normalise,
and the tabular query engine behind the DataStore API."""
