"""Signing in and out, and the signed-in user's own pages: notifications, requests."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from access_control.audit import AuditEvent, record_event
from access_control.authentication import current_principal
from access_control.signin.sessions import check_password, end_session, start_session
from access_control.signin.throttle import LoginThrottle
from catalog import db as database
from catalog.web.actions import call_action, context

blueprint = Blueprint("account", __name__)
THROTTLE = LoginThrottle()


def signin_required(view):
    """Send anonymous visitors to the sign-in page, coming back here afterwards."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_principal().user is None:
            return redirect(url_for("account.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("home.index")


@blueprint.route("/user/login", methods=["GET", "POST"])
def login():
    if request.method != "POST":  # GET, or HEAD (which must never write)
        return render_template("account/login.html", next=request.args.get("next", ""))
    name = request.form.get("username", "").strip()[:254]
    password = request.form.get("password", "")[:1000]
    next_url = request.form.get("next", "")
    db, address = database.session(), request.remote_addr or ""
    if THROTTLE.is_blocked(db, name, address):
        record_event(context(), AuditEvent.SIGN_IN_FAILED, actor=None,
                     details={"username": name, "reason": "throttled"})
        db.commit()
        message = _("Too many failed sign-in attempts. Wait 15 minutes and try again.")
        return render_template("account/login.html", error=message, next=next_url,
                               username=name), 429
    user = check_password(db, name, password) if name and password else None
    THROTTLE.record(db, name, address, succeeded=user is not None)
    if user is None:
        record_event(context(), AuditEvent.SIGN_IN_FAILED, actor=None,
                     details={"username": name, "reason": "bad_credentials"})
        db.commit()
        message = _("The user name or password is not correct.")
        return render_template("account/login.html", error=message, next=next_url,
                               username=name), 401
    record_event(context(), AuditEvent.SIGN_IN, actor=user, details={"method": "password"})
    db.commit()
    start_session(user)
    return redirect(safe_next(next_url))


@blueprint.route("/user/logout", methods=["POST"])
def logout():
    principal = current_principal()
    if principal.user is not None:
        record_event(context(), AuditEvent.SIGN_OUT)
        database.session().commit()
    end_session()
    flash(_("You have signed out."))
    return redirect(url_for("home.index"))


@blueprint.route("/user/notifications")
@signin_required
def notifications():
    result = call_action("notification_list", {"limit": 100})
    return render_template("account/notifications.html", notifications=result["results"])


@blueprint.route("/user/notifications/read", methods=["POST"])
@signin_required
def notifications_read():
    call_action("notification_mark_read", {})
    return redirect(url_for("account.notifications"))


@blueprint.route("/user/requests")
@signin_required
def my_requests():
    requests = call_action("access_request_list", {"scope": "mine"})
    return render_template("account/my_requests.html", requests=requests)


def account_menu() -> dict:
    """What the header shows the current user (templates call this)."""
    from access_control.notifications.services import unread_count
    from access_control.policy import Action, can

    principal = current_principal()
    if principal.user is None:
        return {"signed_in": False}
    return {
        "signed_in": True,
        "name": principal.user.fullname or principal.user.name,
        "unread": unread_count(database.session(), principal.user.id),
        "can_create": can(principal, Action.CREATE_DATASET),
        "decides_requests": can(principal, Action.MANAGE_GRANTS),
        "reads_audit": can(principal, Action.READ_AUDIT_LOG),
    }
