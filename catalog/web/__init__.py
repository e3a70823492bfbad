"""HTML pages. Views call actions (catalog.web.actions.call_action) so that the access
policy is applied exactly as in the API."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import Flask, abort, render_template, request
from flask_babel import format_date, get_locale

from flask_wtf.csrf import CSRFError, CSRFProtect

from access_control.authentication import current_principal
from access_control.legal_basis import label as legal_basis_label
from access_control.levels import AccessLevel
from catalog.web.markdown import plain_summary, render_markdown

ACCESS_LABELS = {AccessLevel.INTERNAL: "庁内限定", AccessLevel.RESTRICTED: "限定公開"}
ACCESS_LABELS_EN = {AccessLevel.INTERNAL: "Staff only", AccessLevel.RESTRICTED: "Restricted"}


def access_label(level: str | None) -> str:
    """The visible label of a closed level (empty for open)."""
    labels = ACCESS_LABELS_EN if str(get_locale()) == "en" else ACCESS_LABELS
    return labels.get(level or "", "")


def license_label(license_id: str | None) -> str:
    """A licence's title in the page's language (its id when it is not in the register)."""
    from catalog.datasets.licenses import get_license

    found = get_license(license_id)
    if found is None:
        return license_id or ""
    return found.title_en if str(get_locale()) == "en" else found.title


def frequency_label(code: str | None) -> str:
    """An update frequency in the page's language (the code when it is not known)."""
    from catalog.datasets.vocabularies import get_frequency

    found = get_frequency(code)
    if found is None:
        return code or ""
    return found.label_en if str(get_locale()) == "en" else found.label


def format_iso_date(value: str | None) -> str:
    if not value:
        return ""
    return format_date(datetime.fromisoformat(value), format="medium")


def url_with_lang(code: str) -> str:
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return request.path + "?" + urlencode(args, doseq=True)


def init_app(app: Flask) -> None:
    from catalog.search.highlight import highlight
    from catalog.web import (access, account, audit, dataset_forms, datasets, home,
                             organizations, pages, partials, publishing, resources, search_admin,
                             showcases)

    init_csrf(app)
    # publishing before datasets: /dataset/<name>.ttl must win over /dataset/<reference>
    for module in (home, publishing, datasets, organizations, showcases, pages, account,
                   access, audit, dataset_forms, search_admin, resources):
        app.register_blueprint(module.blueprint)
    partials.init_app(app)
    resources.init_app(app)
    app.jinja_env.filters.update(
        markdown=render_markdown,
        summary=plain_summary,
        access_label=access_label,
        license_label=license_label,
        frequency_label=frequency_label,
        date=format_iso_date,
        highlight=highlight,
        legal_basis_label=lambda code: legal_basis_label(code, str(get_locale())),
    )
    app.jinja_env.globals.update(
        url_with_lang=url_with_lang,
        account_menu=account.account_menu,
        dataset_permissions=access.dataset_permissions,
    )

    @app.context_processor
    def page_context():
        return {"principal": current_principal(), "locale": str(get_locale())}

    @app.before_request
    def refuse_nul_characters():
        """No database stores a NUL; refuse it in pages' input rather than fail later."""
        if request.blueprint != "api" and any(
            "\x00" in key + value for values in (request.args, request.form)
            for key, value in values.items(multi=True)
        ):
            abort(400)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data: https:; style-src 'self'; "
                "script-src 'self'; frame-ancestors 'none'",
            )
        return response

    for status in (400, 403, 404, 413, 429, 500):
        app.register_error_handler(status, _error_page(status))


def init_csrf(app: Flask) -> None:
    """CSRF protection on every form (Flask-WTF). The Action API is exempt: it ignores
    the session cookie for writes, so a forged cross-site call acts as the anonymous
    public, and token calls cannot be forged by a browser."""
    from catalog.api.http import blueprint as api_blueprint

    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)  # as long as a session
    csrf = CSRFProtect(app)
    csrf.exempt(api_blueprint)

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return render_template("errors/error.html", status=400, csrf_failed=True), 400


def _error_page(status: int):
    def handler(error):
        return render_template("errors/error.html", status=status), status

    return handler
