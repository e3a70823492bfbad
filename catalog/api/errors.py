"""Errors an action may raise, each mapped to CKAN's ``__type`` string and HTTP status."""

from __future__ import annotations


class ActionError(Exception):
    """Base class. ``as_error_dict`` is the ``error`` member of the response envelope."""

    status = 500
    type_name = "Internal Server Error"

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message

    def as_error_dict(self) -> dict:
        return {"__type": self.type_name, "message": self.message}


class BadRequest(ActionError):
    status = 400
    type_name = "Bad Request"


class NotAuthorized(ActionError):
    status = 403
    type_name = "Authorization Error"


class NotFound(ActionError):
    status = 404
    type_name = "Not Found Error"


class ValidationError(ActionError):
    """Per-field messages, as CKAN: ``{"name": ["..."], "__type": "Validation Error"}``."""

    status = 409
    type_name = "Validation Error"

    def __init__(self, errors: dict[str, list[str] | dict]):
        super().__init__("; ".join(f"{key}: {value}" for key, value in errors.items()))
        self.errors = errors

    def as_error_dict(self) -> dict:
        return {"__type": self.type_name, **self.errors}


class SearchQueryError(ActionError):
    """A ``q``, ``fq`` or ``sort`` the search cannot read. 400, as CKAN answers its
    SearchQueryError (409 is its "Search Error", a failing search engine)."""

    status = 400
    type_name = "Search Query Error"
