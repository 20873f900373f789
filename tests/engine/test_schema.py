"""The Alembic migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.storage.models import Base


def _on_this_database(dialect: str):
    """Indexes a model declares for some databases only (info["dialects"]) are compared only there."""
    def include(obj, name, kind, reflected, compare_to):
        return kind != "index" or dialect in obj.info.get("dialects", (dialect,))
    return include


def test_migrations_match_the_models(db_engine):
    with db_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": False, "include_object": _on_this_database(connection.dialect.name)})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
