"""Harvesting other sources into the catalog and keeping them current: other CKAN and
DCAT catalogs, the data inventory (棚卸) spreadsheets; later statistics (e-Stat) and
application-system databases (sources, jobs, reports, provenance).

See :mod:`harvesters.interfaces` for the contract of a harvester type and
:mod:`harvesters.runner` for how a job runs.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the staff pages and the dataset page's provenance helper."""
    from catalog import db as database
    from access_control.authentication import current_principal
    from harvesters import views
    from harvesters.provenance import provenance_for

    app.register_blueprint(views.blueprint)

    def harvest_provenance(dataset_id: str):
        return provenance_for(database.session(), current_principal(), dataset_id)

    app.jinja_env.globals.update(harvest_provenance=harvest_provenance)
