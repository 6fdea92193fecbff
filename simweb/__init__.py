"""simweb package."""
