"""Nianbao Watch (年报监察): shared core — settings, database, Elasticsearch, CLI."""

__version__ = "0.1.0"
