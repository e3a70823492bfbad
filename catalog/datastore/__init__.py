"""The DataStore: CKAN's datastore_* actions and dumps over ingested and pushed tables."""
