"""Harvester types: each says how to list remote items and map one to a dataset."""
