"""Publishing the open catalog to machines and people: DCAT-AP RDF, schema.org JSON-LD,
the Atom feed, the sitemap, robots.txt, and the popularity ranking.

Everything here describes the catalog as the anonymous public sees it: queries go through
``access_control.policy.visibility(ANONYMOUS)``, whoever asks.
"""
