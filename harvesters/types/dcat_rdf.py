"""Reading DCAT (DCAT-AP) datasets out of an RDF graph into plain dicts."""

from __future__ import annotations

import logging
import warnings
from datetime import date

from flask_babel import gettext as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS

from harvesters.interfaces import SourceError

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SCHEMA = Namespace("http://schema.org/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ACCESS_RIGHTS = {"PUBLIC": "open", "RESTRICTED": "restricted", "NON_PUBLIC": "restricted"}

logging.getLogger("rdflib").setLevel(logging.ERROR)


def parse(body: bytes, kind: str, base: str, name: str) -> Graph:
    """The graph of ``body``; a :class:`SourceError` that says why when it is not RDF."""
    graph = Graph()
    try:
        with warnings.catch_warnings():
            # rdflib 7's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
            graph.parse(data=body, format=kind, publicID=base)
    except Exception as error:  # rdflib raises a different type for each syntax
        raise SourceError(_("The document at %(url)s is not valid %(format)s: %(error)s",
                            url=base, format=name, error=str(error).strip()[:300]
                            or type(error).__name__)) from None
    return graph


def next_page(graph: Graph) -> str | None:
    """The next page of a Hydra-paged catalog, if any."""
    for predicate in (HYDRA.next, HYDRA.nextPage):
        value = next(graph.objects(None, predicate), None)
        if value is not None:
            return str(value)
    return None


def datasets(graph: Graph, language: str) -> list[dict]:
    """Every ``dcat:Dataset`` in ``graph`` as a plain dict."""
    return [_dataset(graph, node, language)
            for node in sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)]


def _dataset(graph: Graph, node, language: str) -> dict:
    text = lambda predicate: _text(graph, node, predicate, language)  # noqa: E731
    identifier = text(DCTERMS.identifier) or (str(node) if isinstance(node, URIRef) else "")
    contact = graph.value(node, DCAT.contactPoint)
    temporal = graph.value(node, DCTERMS.temporal)
    distributions = sorted(graph.objects(node, DCAT.distribution), key=str)
    return {
        "remote_id": identifier or "title:" + text(DCTERMS.title),
        "title": text(DCTERMS.title),
        "description": text(DCTERMS.description),
        "keywords": _all_texts(graph, node, DCAT.keyword, language),
        "landing_page": _iri(graph.value(node, DCAT.landingPage)),
        "version": text(OWL.versionInfo) or text(DCAT.version),
        "publisher": _name(graph, graph.value(node, DCTERMS.publisher), language),
        "contact_name": _text(graph, contact, VCARD.fn, language) if contact else "",
        "contact_email": _mailbox(graph, contact),
        "contact_phone": _telephone(graph, contact),
        "spatial": _name(graph, graph.value(node, DCTERMS.spatial), language),
        "temporal_start": _date(graph, temporal, (DCAT.startDate, SCHEMA.startDate)),
        "temporal_end": _date(graph, temporal, (DCAT.endDate, SCHEMA.endDate)),
        "licenses": [_iri(value) for value in graph.objects(node, DCTERMS.license)]
        + [_iri(graph.value(d, DCTERMS.license)) for d in distributions],
        "frequency": _iri(graph.value(node, DCTERMS.accrualPeriodicity)),
        "access_level": _access_level(graph.value(node, DCTERMS.accessRights)),
        "issued": text(DCTERMS.issued),
        "modified": text(DCTERMS.modified),
        "distributions": [_distribution(graph, d, language) for d in distributions],
    }


def _distribution(graph: Graph, node, language: str) -> dict:
    media_type = _iri(graph.value(node, DCAT.mediaType))
    media_type = media_type.split("/media-types/")[-1] if media_type else ""
    file_format = _format(graph, graph.value(node, DCTERMS.format))
    size = _text(graph, node, DCAT.byteSize, language)
    return {
        "title": _text(graph, node, DCTERMS.title, language),
        "description": _text(graph, node, DCTERMS.description, language),
        "url": _iri(graph.value(node, DCAT.downloadURL) or graph.value(node, DCAT.accessURL)),
        "format": file_format or (media_type.rsplit("/", 1)[-1].upper() if media_type else ""),
        "media_type": media_type,
        "size": int(float(size)) if size.replace(".", "", 1).isdigit() else None,
    }


def _texts(graph: Graph, node, predicate) -> list[Literal]:
    return [value for value in graph.objects(node, predicate) if isinstance(value, Literal)]


def _text(graph: Graph, node, predicate, language: str) -> str:
    """The value in ``language``, else one without a language, else any."""
    if node is None:
        return ""
    values = _texts(graph, node, predicate)
    for wanted in (language, None):
        for value in values:
            if value.language == wanted:
                return str(value).strip()
    return str(values[0]).strip() if values else ""


def _all_texts(graph: Graph, node, predicate, language: str) -> list[str]:
    values = _texts(graph, node, predicate)
    preferred = [v for v in values if v.language in (language, None)] or values
    return [str(value).strip() for value in preferred]


def _iri(value) -> str:
    return str(value) if isinstance(value, (URIRef, Literal)) else ""


def _name(graph: Graph, node, language: str) -> str:
    """A label for a node: itself if a literal, else its name or label, else its IRI."""
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node)
    for predicate in (FOAF.name, SKOS.prefLabel, RDFS.label, DCTERMS.title,
                      LOCN.geographicName, VCARD.fn):
        label = _text(graph, node, predicate, language)
        if label:
            return label
    return str(node) if isinstance(node, URIRef) else ""


def _format(graph: Graph, node) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return str(node).rstrip("/").rsplit("/", 1)[-1]
    if isinstance(node, BNode):
        return str(graph.value(node, RDF.value) or graph.value(node, RDFS.label) or "")
    return str(node)


def _mailbox(graph: Graph, contact) -> str:
    value = graph.value(contact, VCARD.hasEmail) if contact is not None else None
    return str(value).removeprefix("mailto:") if value is not None else ""


def _telephone(graph: Graph, contact) -> str:
    value = graph.value(contact, VCARD.hasTelephone) if contact is not None else None
    if isinstance(value, BNode):
        value = graph.value(value, VCARD.hasValue)
    return str(value).removeprefix("tel:")[:50] if value is not None else ""


def _date(graph: Graph, node, predicates) -> str:
    if node is None:
        return ""
    for predicate in predicates:
        value = graph.value(node, predicate)
        if value is not None:
            text = str(value)[:10]
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                return ""
    return ""


def _access_level(value) -> str:
    if value is None:
        return ""
    return ACCESS_RIGHTS.get(str(value).rstrip("/").rsplit("/", 1)[-1], "restricted")
