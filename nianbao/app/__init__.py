"""The top floor: what wires the stages together (the `nianbao` command, the model registry, the
pipeline run, the scheduler, the demo). Importing any part of it registers the models
(nianbao.app.models) with nianbao.db.

Nothing below imports it: crawler, indexer, monitor and web each know only the floors under
them (the import contract in pyproject.toml [tool.importlinter], checked by
tests/test_architecture.py)."""

from nianbao.app import models as models  # the model registry: every table on nianbao.db.Base
