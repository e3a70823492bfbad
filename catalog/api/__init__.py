"""The CKAN-compatible Action API.

Actions are plain functions ``(context, data_dict) -> result`` registered by name with
:func:`catalog.api.registry.action`; the HTTP layer (:mod:`catalog.api.http`) only parses
the request, dispatches and wraps the result in CKAN's envelope.
"""
