"""Datasets, their resources (files and links), tags, licences and revision history."""
