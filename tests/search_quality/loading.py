"""Loading the quality set into a catalog through the real services and indexing."""

from __future__ import annotations

from flask import current_app

from access_control.principals import system_principal
from catalog import db as database
from catalog.api.context import Context
from catalog.datasets import services
from catalog.datasets.models import Dataset
from catalog.groups.models import Group
from catalog.organizations.models import Organization
from catalog.search.documents import build_document
from catalog.search.models import SearchSynonym
from catalog.search.synonyms import DEFAULT_SYNONYMS
from catalog.search.vocabulary import add_vocabulary
from tests.search_quality.corpus import Record
from tests.search_quality.topics import GROUPS, ORGANIZATIONS


def load(records: list[Record]) -> None:
    """Create organizations, categories, the default synonyms and every record (with
    its tables' columns indexed), in the current app context."""
    db = database.session()
    organizations = {name: Organization(name=name, title=title) for name, title in ORGANIZATIONS.items()}
    db.add_all([*organizations.values(),
                *(Group(name=name, title=title) for name, title in GROUPS.items())])
    db.add_all(SearchSynonym(terms=terms) for terms in DEFAULT_SYNONYMS)
    db.flush()
    context = Context(db=db, principal=system_principal(db), settings=current_app.config["SETTINGS"])
    for record in records:
        services.create_dataset(context, {
            "name": record.name, "title": record.title, "notes": record.notes,
            "owner_org": organizations[record.org].id, "access_level": "open",
            "tags": [{"name": tag} for tag in record.tags], "groups": [{"name": record.group}],
            "resources": [{"url": f"https://example.jp/{record.name}.{fmt.lower()}",
                           "name": f"{record.title}（{fmt}）", "format": fmt}
                          for fmt in record.formats],
        })
    db.commit()  # the outbox indexes them
    # Column names come from ingested tables; the quality set carries them itself.
    columns = {record.name: list(record.columns) for record in records}
    datasets = db.query(Dataset).all()
    documents = [build_document(d, column_text=columns[d.name]) for d in datasets]
    current_app.extensions["search_index"].index(documents)
    with database.engine().begin() as connection:
        add_vocabulary(connection, documents)
