"""The open catalog as a DCAT-AP 3 graph (rdflib), conforming to the DCAT-AP 3.0.1 shapes.

Only what the anonymous public may read goes in: callers pass datasets selected with
``visibility(ANONYMOUS)``, and resources are filtered here with the same policy. Every node
the graph points to is typed and labelled in the graph itself, because validators check
classes offline (see tests/fixtures/dcat-ap-3.0.1/README.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from sqlalchemy.orm import object_session

from access_control.policy import Action, can
from access_control.principals import ANONYMOUS
from catalog.datasets.dictization import resource_dict
from catalog.datasets.licenses import get_license
from catalog.datasets.models import Dataset, Resource
from catalog.datasets.vocabularies import get_frequency
from catalog.publishing import vocabularies as vocab
from catalog.publishing.downloads import Download, downloads_for
from catalog.publishing.site import CATALOG_DESCRIPTION, CATALOG_TITLE, PUBLISHER_NAME
from catalog.web.markdown import plain_summary
from ingest.services import tables_by_resource

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "skos": SKOS, "vcard": VCARD,
            "xsd": XSD, "dcatap": DCATAP, "hydra": HYDRA, "locn": LOCN, "spdx": SPDX, "rdfs": RDFS}
DATA_PACKAGE_TITLE = ("データパッケージ（Frictionless Data Package）", "Frictionless Data Package")
NOT_A_FILE = {"HTML", "API", ""}  # formats whose URL is a page or service, not a download


class CatalogGraph:
    """Builds the graph of the catalog (or of one dataset) for ``site_url``."""

    def __init__(self, site_url: str):
        self.site = site_url.rstrip("/")
        self.graph = Graph()
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        self._described: set = set()
        self._tables: dict = {}

    # -- the catalog ---------------------------------------------------------------------
    def add_catalog(self, datasets: Iterable[Dataset], modified: datetime | None) -> URIRef:
        g, catalog = self.graph, URIRef(f"{self.site}/catalog")
        g.add((catalog, RDF.type, DCAT.Catalog))
        self._texts(catalog, DCTERMS.title, CATALOG_TITLE)
        self._texts(catalog, DCTERMS.description, CATALOG_DESCRIPTION)
        g.add((catalog, DCTERMS.publisher, self.prefecture()))
        homepage = URIRef(f"{self.site}/")
        g.add((catalog, FOAF.homepage, homepage))
        g.add((homepage, RDF.type, FOAF.Document))
        g.add((catalog, DCTERMS.language, self._concept(vocab.JAPANESE, vocab.LANGUAGE_SCHEME,
                                                        DCTERMS.LinguisticSystem)))
        g.add((catalog, DCAT.themeTaxonomy, self._category_scheme()))
        if modified:
            g.add((catalog, DCTERMS.modified, _datetime(modified)))
        datasets = list(datasets)
        if datasets:
            self._tables.update(tables_by_resource(
                object_session(datasets[0]), [r.id for d in datasets for r in d.resources]))
        for dataset in datasets:
            g.add((catalog, DCAT.dataset, self.add_dataset(dataset)))
        return catalog

    def add_paging(self, page_url, total: int, page: int, per_page: int) -> None:
        """Hydra paging of the catalog: ``page_url(n)`` is the URL of page ``n``."""
        g, view = self.graph, URIRef(page_url(page))
        last = max(1, -(-total // per_page))
        g.add((view, RDF.type, HYDRA.PartialCollectionView))
        g.add((view, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
        g.add((view, HYDRA.itemsPerPage, Literal(per_page, datatype=XSD.integer)))
        g.add((view, HYDRA.first, URIRef(page_url(1))))
        g.add((view, HYDRA.last, URIRef(page_url(last))))
        if page > 1:
            g.add((view, HYDRA.previous, URIRef(page_url(min(page - 1, last)))))
        if page < last:
            g.add((view, HYDRA.next, URIRef(page_url(page + 1))))

    # -- datasets ------------------------------------------------------------------------
    def add_dataset(self, dataset: Dataset) -> URIRef:
        g, node = self.graph, URIRef(f"{self.site}/dataset/{dataset.id}")
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.title, Literal(dataset.title or dataset.name, lang="ja")))
        description = plain_summary(dataset.notes, 100_000) or dataset.title or dataset.name
        g.add((node, DCTERMS.description, Literal(description, lang="ja")))
        g.add((node, DCTERMS.identifier, Literal(dataset.id)))
        g.add((node, DCTERMS.issued, _datetime(dataset.created)))
        g.add((node, DCTERMS.modified, _datetime(dataset.modified)))
        landing = URIRef(f"{self.site}/dataset/{dataset.name}")
        g.add((node, DCAT.landingPage, landing))
        g.add((landing, RDF.type, FOAF.Document))
        g.add((node, DCTERMS.publisher, self._organization(dataset)))
        g.add((node, DCTERMS.language, self._concept(vocab.JAPANESE, vocab.LANGUAGE_SCHEME,
                                                     DCTERMS.LinguisticSystem)))
        g.add((node, DCTERMS.accessRights, self._concept(
            vocab.PUBLIC_ACCESS, vocab.ACCESS_RIGHT_SCHEME, DCTERMS.RightsStatement)))
        for tag in dataset.tags:
            g.add((node, DCAT.keyword, Literal(tag.name, lang="ja")))
        for group in dataset.groups:
            g.add((node, DCAT.theme, self._category(group)))
        self._add_frequency(node, dataset.frequency)
        self._add_coverage(node, dataset)
        self._add_contact(node, dataset)
        tables = self._tables_of(dataset)
        has_tables = False
        for resource in dataset.resources:
            if not can(ANONYMOUS, Action.READ, resource):
                continue
            has_tables = has_tables or bool(tables.get(resource.id))
            downloads = downloads_for(resource_dict(resource, self.site),
                                      tables.get(resource.id, []), self.site) or [
                Download(resource.format, "", True)]
            for download in downloads:
                g.add((node, DCAT.distribution,
                       self._distribution(dataset, resource, download)))
        if has_tables:
            g.add((node, DCAT.distribution, self._data_package(dataset)))
        return node

    def _tables_of(self, dataset: Dataset) -> dict:
        """Ingested tables of the dataset's resources (prefetched for a whole catalog page
        by :meth:`add_catalog`)."""
        missing = [r.id for r in dataset.resources if r.id not in self._tables]
        if missing:
            self._tables.update(tables_by_resource(object_session(dataset), missing))
        return self._tables

    def _distribution(self, dataset: Dataset, resource: Resource, download: Download) -> URIRef:
        """One distribution per download format (DCAT-AP: a distribution is one format)."""
        g = self.graph
        node = URIRef(f"{self.site}/dataset/{dataset.id}/resource/{resource.id}"
                      + ("" if download.original else f"/{download.key}"))
        g.add((node, RDF.type, DCAT.Distribution))
        url, landing = download.url, f"{self.site}/dataset/{dataset.name}"
        is_web = url.startswith(("http://", "https://"))
        g.add((node, DCAT.accessURL, URIRef(url if is_web else landing)))
        if is_web and download.format not in NOT_A_FILE:
            g.add((node, DCAT.downloadURL, URIRef(url)))
        title = " ".join(part for part in (resource.name, download.table) if part)
        if not download.original:  # a conversion: say which, the original has that name
            title = f"{title}（{download.format}）"
        if title:
            g.add((node, DCTERMS.title, Literal(title, lang="ja")))
        if resource.description:
            g.add((node, DCTERMS.description,
                   Literal(plain_summary(resource.description, 100_000), lang="ja")))
        file_type = vocab.file_type(download.format)
        if file_type:
            self._file_type(node, file_type)
        g.add((node, DCATAP.availability, self._concept(vocab.STABLE, vocab.AVAILABILITY_SCHEME)))
        if resource.size is not None and download.original:
            g.add((node, DCAT.byteSize, Literal(resource.size, datatype=XSD.nonNegativeInteger)))
        license = get_license(dataset.license_id)
        if license:
            g.add((node, DCTERMS.license, self._license(license)))
        g.add((node, DCTERMS.issued, _datetime(resource.created)))
        g.add((node, DCTERMS.modified,
               _datetime(resource.last_modified or resource.metadata_modified)))
        return node

    def _file_type(self, node: URIRef, file_type) -> None:
        """A distribution's format (EU file type) and media type, both typed nodes."""
        g = self.graph
        g.add((node, DCTERMS.format, self._concept(
            file_type.iri, vocab.FILE_TYPE_SCHEME, DCTERMS.MediaTypeOrExtent,
            (file_type.code, file_type.code))))
        media = URIRef(file_type.media_type_iri)
        g.add((node, DCAT.mediaType, media))
        g.add((media, RDF.type, DCTERMS.MediaType))

    def _data_package(self, dataset: Dataset) -> URIRef:
        """The dataset's tables as one Frictionless Data Package (a JSON file)."""
        g = self.graph
        node = URIRef(f"{self.site}/dataset/{dataset.id}/datapackage")
        url = URIRef(f"{self.site}/dataset/{dataset.name}/datapackage.json")
        g.add((node, RDF.type, DCAT.Distribution))
        g.add((node, DCAT.accessURL, url))
        g.add((node, DCAT.downloadURL, url))
        self._texts(node, DCTERMS.title, DATA_PACKAGE_TITLE)
        self._file_type(node, vocab.file_type("JSON"))
        standard = URIRef(vocab.DATA_PACKAGE_STANDARD)
        g.add((node, DCTERMS.conformsTo, standard))
        if standard not in self._described:
            self._described.add(standard)
            g.add((standard, RDF.type, DCTERMS.Standard))
            g.add((standard, DCTERMS.title, Literal("Data Package", lang="en")))
        g.add((node, DCATAP.availability, self._concept(vocab.STABLE, vocab.AVAILABILITY_SCHEME)))
        license = get_license(dataset.license_id)
        if license:
            g.add((node, DCTERMS.license, self._license(license)))
        g.add((node, DCTERMS.modified, _datetime(dataset.modified)))
        return node

    # -- referenced nodes, each typed and labelled --------------------------------------
    def prefecture(self) -> URIRef:
        node = URIRef(f"{self.site}/#publisher")
        if node not in self._described:
            self._described.add(node)
            self._agent(node, PUBLISHER_NAME)
        return node

    def _organization(self, dataset: Dataset) -> URIRef:
        organization = dataset.organization
        node = URIRef(f"{self.site}/organization/{organization.name}")
        if node not in self._described:
            self._described.add(node)
            title = organization.title or organization.name
            self._agent(node, (f"{PUBLISHER_NAME[0]} {title}", f"{PUBLISHER_NAME[1]}, {title}"))
        return node

    def _agent(self, node: URIRef, names: tuple[str, str]) -> None:
        g = self.graph
        g.add((node, RDF.type, FOAF.Agent))
        g.add((node, RDF.type, FOAF.Organization))
        self._texts(node, FOAF.name, names)
        g.add((node, DCTERMS.type, self._concept(vocab.REGIONAL_AUTHORITY,
                                                 vocab.PUBLISHER_TYPE_SCHEME)))

    def _license(self, license) -> URIRef:
        node = URIRef(license.iri)
        if node not in self._described:
            self._described.add(node)
            self.graph.add((node, RDF.type, DCTERMS.LicenseDocument))
            self._texts(node, RDFS.label, (license.title, license.title_en))
        return node

    def _category_scheme(self) -> URIRef:
        node = URIRef(f"{self.site}/group")
        if node not in self._described:
            self._described.add(node)
            self.graph.add((node, RDF.type, SKOS.ConceptScheme))
            self._texts(node, DCTERMS.title, ("分野", "Categories"))
        return node

    def _category(self, group) -> URIRef:
        node = URIRef(f"{self.site}/group/{group.name}")
        if node not in self._described:
            self._described.add(node)
            self.graph.add((node, RDF.type, SKOS.Concept))
            self.graph.add((node, SKOS.prefLabel, Literal(group.title or group.name, lang="ja")))
            self.graph.add((node, SKOS.inScheme, self._category_scheme()))
        return node

    def _concept(self, iri: str, scheme: str, extra_type=None,
                 labels: tuple[str, str] | None = None) -> URIRef:
        """A concept of an EU or ADMS table, with its type, label and (typed) scheme."""
        node = URIRef(iri)
        if node not in self._described:
            self._described.add(node)
            g = self.graph
            g.add((node, RDF.type, SKOS.Concept))
            if extra_type is not None:
                g.add((node, RDF.type, extra_type))
            self._texts(node, SKOS.prefLabel, labels or vocab.CONCEPT_LABELS[iri])
            scheme_node = URIRef(scheme)
            g.add((node, SKOS.inScheme, scheme_node))
            if scheme_node not in self._described:
                self._described.add(scheme_node)
                g.add((scheme_node, RDF.type, SKOS.ConceptScheme))
                self._texts(scheme_node, DCTERMS.title, vocab.SCHEME_TITLES[scheme])
        return node

    def _add_frequency(self, node: URIRef, code: str) -> None:
        frequency = get_frequency(code)
        if frequency:
            self.graph.add((node, DCTERMS.accrualPeriodicity, self._concept(
                frequency.iri, vocab.FREQUENCY_SCHEME, DCTERMS.Frequency,
                (frequency.label, frequency.label_en))))

    def _add_coverage(self, node: URIRef, dataset: Dataset) -> None:
        g = self.graph
        if dataset.temporal_start or dataset.temporal_end:
            period = BNode()
            g.add((node, DCTERMS.temporal, period))
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            if dataset.temporal_start:
                g.add((period, DCAT.startDate, _date(dataset.temporal_start)))
            if dataset.temporal_end:
                g.add((period, DCAT.endDate, _date(dataset.temporal_end)))
        if dataset.spatial:
            place = BNode()
            g.add((node, DCTERMS.spatial, place))
            g.add((place, RDF.type, DCTERMS.Location))
            g.add((place, LOCN.geographicName, Literal(dataset.spatial, lang="ja")))

    def _add_contact(self, node: URIRef, dataset: Dataset) -> None:
        if not (dataset.maintainer or dataset.maintainer_email or dataset.contact_phone):
            return
        g, contact = self.graph, BNode()
        g.add((node, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, RDF.type, VCARD.Organization))
        name = dataset.maintainer or dataset.organization.title or dataset.organization.name
        g.add((contact, VCARD.fn, Literal(name, lang="ja")))
        if dataset.maintainer_email:
            g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.maintainer_email}")))
        if dataset.contact_phone:
            phone = "".join(ch for ch in dataset.contact_phone if ch.isdigit() or ch == "+")
            if phone:
                g.add((contact, VCARD.hasTelephone, URIRef(f"tel:{phone}")))

    def _texts(self, node, predicate, texts: tuple[str, str]) -> None:
        self.graph.add((node, predicate, Literal(texts[0], lang="ja")))
        self.graph.add((node, predicate, Literal(texts[1], lang="en")))


def _datetime(value: datetime) -> Literal:
    """Timestamps are stored as naive UTC: say so with "Z"."""
    return Literal(value.replace(microsecond=0).isoformat() + "Z", datatype=XSD.dateTime)


def _date(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)

