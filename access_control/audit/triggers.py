"""Database triggers that make ``audit_log`` append-only.

Installed by the migration that creates the table. Even code holding the database
connection cannot UPDATE or DELETE an audit row (nor TRUNCATE the table on PostgreSQL);
only someone able to drop the trigger, i.e. the database owner, could.
"""

from __future__ import annotations

TABLE = "audit_log"
MESSAGE = "audit_log is append-only"

POSTGRESQL_INSTALL = (
    f"""
    CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP;
    END
    $$
    """,
    f"""
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()
    """,
    f"""
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()
    """,
)
POSTGRESQL_REMOVE = (
    f"DROP TRIGGER IF EXISTS audit_log_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_log_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_log_refuse_change()",
)

SQLITE_INSTALL = tuple(
    f"""
    CREATE TRIGGER audit_log_no_{operation.lower()} BEFORE {operation} ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """
    for operation in ("UPDATE", "DELETE")
)
SQLITE_REMOVE = (
    "DROP TRIGGER IF EXISTS audit_log_no_update",
    "DROP TRIGGER IF EXISTS audit_log_no_delete",
)


def install_statements(dialect: str) -> tuple[str, ...]:
    """The statements that install the triggers on ``dialect`` (postgresql or sqlite)."""
    return POSTGRESQL_INSTALL if dialect == "postgresql" else SQLITE_INSTALL


def remove_statements(dialect: str) -> tuple[str, ...]:
    return POSTGRESQL_REMOVE if dialect == "postgresql" else SQLITE_REMOVE
