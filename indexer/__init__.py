"""indexer: extract, parse, check and index reports."""
