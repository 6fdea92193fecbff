"""One module per schema revision, oldest first (see docs/operations.md, "Upgrades")."""
