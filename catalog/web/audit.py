"""The audit log viewer and its CSV export (sysadmins)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _

from access_control.audit import record_event
from access_control.audit.events import EVENT_LABELS, AuditEvent
from access_control.audit.export import csv_lines
from access_control.audit.services import AuditQuery, find_records
from access_control.authentication import current_principal
from access_control.policy import Action, can
from catalog import db as database
from catalog.api.errors import ValidationError
from catalog.db import utcnow
from catalog.web.account import signin_required
from catalog.web.actions import call_action, context

blueprint = Blueprint("audit", __name__)
PAGE_SIZE = 50


def _filters() -> dict:
    """The filter fields from the query string, as audit_log_list takes them."""
    data = {key: request.args.get(key, "").strip()[:100]
            for key in ("actor", "dataset", "since", "until")}
    data["event"] = [value for value in request.args.getlist("event") if value][:20]
    return data


@blueprint.route("/admin/audit")
@signin_required
def index():
    data = _filters()
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    errors = {}
    try:
        result = call_action("audit_log_list", {**data, "limit": PAGE_SIZE,
                                                "offset": (page - 1) * PAGE_SIZE})
    except ValidationError as error:
        errors, result = error.errors, {"count": 0, "results": []}
    labels = {event.value: str(label) for event, label in EVENT_LABELS.items()}
    return render_template(
        "audit/index.html", filters=data, result=result, page=page, errors=errors,
        pages=max(1, -(-result["count"] // PAGE_SIZE)), events=list(AuditEvent),
        labels=labels,
    ), 409 if errors else 200


def _stream(sessionmaker, query: AuditQuery):
    """The CSV from a session of its own: the request's is closed while this streams."""
    with sessionmaker() as db:
        yield from csv_lines(find_records(db, query, limit=None))


@blueprint.route("/admin/audit.csv")
@signin_required
def export():
    if not can(current_principal(), Action.READ_AUDIT_LOG):
        abort(403)
    try:
        query = AuditQuery.from_data(_filters())
    except ValidationError:
        abort(400)
    # Who took a copy of the log is itself worth knowing.
    record_event(context(), AuditEvent.DATA_EXPORT,
                 details={"what": "audit_log", **{k: str(v) for k, v in _filters().items()}})
    database.session().commit()
    filename = f"audit-log-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        _stream(current_app.extensions["db_sessionmaker"], query),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "private, no-store"},
    )
