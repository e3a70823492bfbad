"""The Fukuoka Prefecture data catalog: a Flask application.

:func:`create_app` builds the app from ``CATALOG_*`` settings (see :mod:`catalog.config`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Mapping

from flask import Flask

from catalog.config import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Modules that register actions with catalog.api.registry when imported.
ACTION_MODULES = (
    "catalog.api.core_actions",
    "catalog.datasets.actions",
    "catalog.organizations.actions",
    "catalog.groups.actions",
    "catalog.search.actions",
    "catalog.search.synonyms",
    "access_control.actions",
    "access_control.grant_actions",
    "access_control.audit.actions",
    "access_control.requests.actions",
    "access_control.notifications.actions",
    "catalog.showcase.actions",
    "catalog.publishing.actions",
    "harvesters.actions",
    "catalog.jobs.actions",
    "catalog.datastore.actions",
)


def create_app(test_config: Mapping[str, object] | None = None) -> Flask:
    """Build the application.

    ``test_config`` overrides fields of :class:`~catalog.config.Settings` (by their
    lower-case names) and, for upper-case keys, Flask config values.
    """
    import importlib

    from access_control import mail
    from access_control.signin.sessions import SESSION_LIFETIME
    import harvesters
    from catalog import db, i18n, jobs, search, storage
    from catalog.api import http as api_http
    from catalog.web import init_app as init_web

    overrides = dict(test_config or {})
    settings = Settings.from_env()
    settings = settings.with_overrides({k: v for k, v in overrides.items() if k.islower()})

    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.site_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        JSON_AS_ASCII=False,
    )
    app.config.update({k: v for k, v in overrides.items() if k.isupper()})
    if settings.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind reverse proxies every request comes from the nearest proxy: the client's
        # address (audit log, sign-in throttle, spam keys) and scheme are what the trusted
        # proxies put in X-Forwarded-For / -Proto. Untrusted, those headers are ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,
                                x_proto=settings.trusted_proxies)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    i18n.init_app(app)
    storage.init_app(app)
    search.init_app(app)
    jobs.init_app(app)
    mail.init_app(app)
    for module in ACTION_MODULES:
        importlib.import_module(module)
    app.register_blueprint(api_http.blueprint)
    init_web(app)
    harvesters.init_app(app)
    return app
