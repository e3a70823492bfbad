"""The synonym list page (/search/synonyms), for sysadmins."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from access_control.authentication import current_principal
from access_control.policy import Action, can
from catalog import db as database
from catalog.api.errors import ValidationError
from catalog.web.actions import call_action

blueprint = Blueprint("search_admin", __name__)


@blueprint.route("/search/synonyms", methods=["GET", "POST"])
def synonyms():
    if not can(current_principal(), Action.MANAGE_SEARCH):
        abort(403)
    errors, status = [], 200
    if request.method == "POST":  # CSRF is checked for every form (catalog.web.init_csrf)
        try:
            if request.form.get("delete"):
                call_action("search_synonym_delete", {"id": request.form["delete"]})
            elif request.form.get("id"):
                call_action("search_synonym_update", {"id": request.form["id"],
                                                      "terms": request.form.get("terms", "")})
            else:
                call_action("search_synonym_create", {"terms": request.form.get("terms", "")})
            database.session().commit()
            return redirect(url_for("search_admin.synonyms"), 303)
        except ValidationError as error:
            database.session().rollback()
            errors = [message for messages in error.errors.values() for message in messages]
            status = 400
    groups = call_action("search_synonym_list")
    return render_template("search/synonyms.html", groups=groups, errors=errors,
                           submitted=request.form.get("terms", "")), status
