"""Use cases (活用事例): apps, visualisations, reports and articles that reuse open data.

Staff with the showcase-admin site role curate them; the public proposes new ones through
a moderated form. Only open datasets are ever shown as linked from a use case.
"""
