"""Harvesting other sources into the catalog: statistics (e-Stat), other CKAN and DCAT
catalogs, the data inventory (棚卸) spreadsheets and application-system databases."""
