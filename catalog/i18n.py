"""Languages: Japanese first, English on request (``?lang=en``, remembered in the session)."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel

from catalog import PROJECT_ROOT

LANGUAGES = ("ja", "en")


def select_locale() -> str:
    if not has_request_context():  # CLI and jobs: the site's default language
        return current_app.config["SETTINGS"].default_locale
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return current_app.config["SETTINGS"].default_locale


def init_app(app: Flask) -> None:
    Babel(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PROJECT_ROOT / "catalog" / "translations"),
        default_timezone="Asia/Tokyo",
    )
