"""The top floor: what wires the stages together (the `nianbao` command, the pipeline run, the
scheduler, the demo).

Nothing below imports it: crawler, indexer, monitor and web each know only the floors under
them (the import contract in .importlinter, checked by tests/test_architecture.py)."""
