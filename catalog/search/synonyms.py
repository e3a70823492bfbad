"""The synonym list: groups of words that search treats as one (子育て = 育児).

Synonyms are applied when a query is analysed (:func:`catalog.search.analysis.analyze_query`),
so an edit takes effect on the next search without re-indexing. Sysadmins edit the list
through these actions or the page at ``/search/synonyms``.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from access_control.policy import Action, can
from catalog.api.context import Context
from catalog.api.errors import NotAuthorized, NotFound, ValidationError
from catalog.api.registry import action
from catalog.api.validation import as_int, require
from catalog.db import utcnow
from catalog.search.analysis import Synonyms, synonym_key
from catalog.search.models import SearchSynonym

# The list a new catalog starts with (the first migration seeds it); sysadmins edit it.
DEFAULT_SYNONYMS = [
    ["子育て", "育児"],
    ["AED", "自動体外式除細動器"],
    ["人口", "住民数", "population"],
    ["保育所", "保育園"],
    ["子ども", "児童"],
    ["避難所", "避難場所", "shelter"],
    ["高齢者", "シニア"],
    ["Wi-Fi", "無線LAN", "公衆無線LAN"],
    ["ごみ", "廃棄物"],
    ["GIS", "地理情報"],
    ["観光", "tourism"],
    ["予算", "budget"],
    ["バス", "bus"],
]
MAX_TERMS = 20
MAX_TERM_LENGTH = 100


def load_synonyms(db: Session) -> Synonyms:
    """Each word of the list (as :func:`synonym_key`) -> the other words of its group."""
    synonyms: Synonyms = {}
    for terms in db.scalars(sa.select(SearchSynonym.terms)):
        for term in terms:
            others = [other for other in terms if synonym_key(other) != synonym_key(term)]
            synonyms.setdefault(synonym_key(term), []).extend(others)
    return synonyms


def parse_terms(value) -> list[str]:
    """A group from a list or a comma/、-separated string; raises ValidationError."""
    if isinstance(value, str):
        value = value.replace("、", ",").replace("，", ",").split(",")
    if not isinstance(value, list):
        raise ValidationError({"terms": [_("Give the words as a list or separated by commas")]})
    terms = list(dict.fromkeys(str(term).strip() for term in value if str(term).strip()))
    keys = {synonym_key(term) for term in terms}
    if len(keys) < 2 or "" in keys:
        raise ValidationError({"terms": [_("A synonym group needs at least two different words")]})
    if len(terms) > MAX_TERMS or any(len(term) > MAX_TERM_LENGTH for term in terms):
        raise ValidationError({"terms": [_("At most %(n)s words of at most %(length)s characters",
                                          n=MAX_TERMS, length=MAX_TERM_LENGTH)]})
    return terms


def _check(context: Context) -> None:
    if not can(context.principal, Action.MANAGE_SEARCH):
        raise NotAuthorized(_("Only sysadmins may edit the search synonyms"))


def _dict(synonym: SearchSynonym) -> dict:
    return {"id": synonym.id, "terms": list(synonym.terms),
            "modified": synonym.modified.isoformat()}


def _get(context: Context, data: dict) -> SearchSynonym:
    synonym = context.db.get(SearchSynonym, as_int({"id": require(data, "id")}, "id", 0))
    if synonym is None:
        raise NotFound(_("Synonym group not found"))
    return synonym


@action("search_synonym_list", read_only=True)
def search_synonym_list(context: Context, data: dict) -> list[dict]:
    """Every synonym group (sysadmins only)."""
    _check(context)
    return [_dict(s) for s in context.db.scalars(sa.select(SearchSynonym).order_by(SearchSynonym.id))]


@action("search_synonym_create")
def search_synonym_create(context: Context, data: dict) -> dict:
    """Add a synonym group.

    :param terms: the words, as a list or separated by commas (``子育て,育児``)
    """
    _check(context)
    synonym = SearchSynonym(terms=parse_terms(require(data, "terms")))
    context.db.add(synonym)
    context.db.flush()
    return _dict(synonym)


@action("search_synonym_update")
def search_synonym_update(context: Context, data: dict) -> dict:
    """Replace the words of a synonym group.

    :param id: the group
    :param terms: the words, as a list or separated by commas
    """
    _check(context)
    synonym = _get(context, data)
    synonym.terms = parse_terms(require(data, "terms"))
    synonym.modified = utcnow()
    context.db.flush()
    return _dict(synonym)


@action("search_synonym_delete")
def search_synonym_delete(context: Context, data: dict) -> None:
    """Remove a synonym group.

    :param id: the group
    """
    _check(context)
    context.db.delete(_get(context, data))
    context.db.flush()
