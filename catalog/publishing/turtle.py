"""A faster Turtle serializer for the catalog's graphs.

rdflib's Turtle serializer tries to abbreviate every IRI to a prefixed name each time it
meets it, splitting it the slow way, even the many IRIs no bound prefix can abbreviate
(the site's own dataset, resource and download addresses). This one answers those at
once from the bound namespaces and remembers the answer for the others, which leaves the
output unchanged (tests/catalog/publishing/test_dcat.py) and takes a fraction of the time
(bench/bench_public_pages.py prints both).
"""

from __future__ import annotations

from rdflib import URIRef, plugin
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.serializer import Serializer

NAME = "catalog-turtle"


class CatalogTurtleSerializer(TurtleSerializer):
    def __init__(self, store):
        super().__init__(store)
        self._namespaces = tuple(str(namespace) for _prefix, namespace in store.namespaces())
        self._names: dict = {}

    def reset(self) -> None:
        super().reset()
        self._names = {}  # the prefixes in use are recorded anew, and so are the names

    def get_pname(self, uri, gen_prefix: bool = True):
        # Only predicates and datatypes may get generated prefixes; other IRIs outside
        # every bound namespace cannot become prefixed names.
        if isinstance(uri, URIRef) and not gen_prefix \
                and not str.startswith(uri, self._namespaces):
            return None
        key = (uri, gen_prefix)
        if key not in self._names:
            self._names[key] = super().get_pname(uri, gen_prefix)
        return self._names[key]


plugin.register(NAME, Serializer, __name__, "CatalogTurtleSerializer")
