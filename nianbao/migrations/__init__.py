"""Alembic migrations of the state database (`nianbao db …`, `nianbao.db.alembic_config`)."""
