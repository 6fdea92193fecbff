"""The model registry: every module that defines tables on `nianbao.db.Base`, named here on the
top floor (the ground floor imports no stage). Importing this module registers `model_modules`
with `nianbao.db`, which imports them the first time the schema is needed, so that creating a
new database (`init_db`), judging one (`schema_state`, `nianbao db check`) and migrating it
(Alembic, nianbao/migrations/env.py) see every table, whatever else was imported — and a
command that never opens the state database does not load the models.

`nianbao.app` imports this module, so the `nianbao` command, the portal, the pipeline run and
the demo all have the registry; a program that uses the state database otherwise imports it
first (the tests' conftest and the benchmarks do). A new table module is added to
`model_modules` (tests/test_architecture.py checks that every module defining tables is)."""

from __future__ import annotations

from types import ModuleType

from sqlalchemy import MetaData

from crawler import models as crawler_models
from indexer import reviews as indexer_reviews
from monitor import models as monitor_models
from nianbao import db
from web import models as web_models


def model_modules() -> tuple[ModuleType, ...]:
    """Every module that defines tables on Base, imported."""
    return (crawler_models, indexer_reviews, monitor_models, web_models)


def metadata() -> MetaData:
    """The metadata holding every table (Base.metadata once the modules are imported)."""
    return db.metadata()


db.register_models(model_modules)
