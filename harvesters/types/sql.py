"""``sql``: an application system's database (申請・届出 systems and the like), through any
SQLAlchemy URL: PostgreSQL, MariaDB/MySQL, SQLite, ...

The source URL is the SQLAlchemy URL (``postgresql+psycopg://reader:pw@host/db``,
``sqlite:////srv/app/app.db``); its password is hidden from everyone who may not manage
the source. Sources of this type read the catalog server's network, so only sysadmins
may create them.

Each configured table or query becomes a **restricted** dataset (never more open, whatever
the source's default), refreshed on the source's schedule. Its rows are written to one CSV
resource that the normal ingest pipeline turns into a DataStore table; the file's content
hash makes unchanged data "unchanged" (no revision, no new ingest). Columns whose names
look like personal data (氏名, 住所, 電話番号, 生年月日, メールアドレス, マイナンバー and
name/address/phone/birth/email/... in English or romaji) are flagged: the extra
``personal_data_columns``, a warning in the job report and on the dataset page.

Only reading is possible: every query must be one SELECT (or WITH ... SELECT); SQLite is
opened read-only (``mode=ro``, ``PRAGMA query_only``), PostgreSQL sessions with
``default_transaction_read_only`` and MySQL/MariaDB sessions ``READ ONLY``. A statement
stops after ``request_timeout`` seconds.

Config keys:

* ``tables``: table names, or objects ``{"table": .., "schema": .., "title": ..,
  "notes": .., "aggregate": .., "personal_columns": [..]}``; rows are read in primary-key
  order.
* ``queries``: ``{"name": "SELECT ..."}`` or a list of objects ``{"name": .., "sql": ..,
  "title": .., "notes": .., "aggregate": .., "personal_columns": [..]}``. Give an
  ORDER BY so that unchanged data reads the same each time.
* ``aggregate``: ``{"dimensions": [..], "k": 10}`` (for every table and query, or per
  item): a second dataset, **open** by default (``"access_level"`` to change), with the
  count of rows by the dimensions; counts under ``k`` (default 10) are left empty and
  flagged (秘匿 = true). Dimensions may not be personal-data columns, and no other column
  is published.
* ``legal_basis`` / ``legal_basis_text``: the legal basis shown on the restricted
  datasets (e.g. 個人情報保護法).
* ``personal_columns``: more column names to flag, for every item.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from access_control.levels import AccessLevel
from catalog.slugs import is_valid_name, slugify
from harvesters.config import redact_url
from harvesters.interfaces import DatasetDraft, ItemError, Listing, RemoteItem, SourceError
from harvesters.run import HarvestRun
from harvesters.types.sql_data import (
    Snapshot, batches, database_error, looks_personal, open_engine, personal_columns,
    select_problem, suppressed_counts, write_csv,
)

AGGREGATE_SUFFIX = "#aggregate"
COUNT_COLUMN, SUPPRESSED_COLUMN = "件数", "秘匿"


@dataclass
class Spec:
    """One configured table or query."""

    kind: str  # "table" or "query"
    name: str
    sql: str = ""
    schema: str | None = None
    title: str = ""
    notes: str = ""
    aggregate: dict | None = None
    personal: list[str] = field(default_factory=list)

    @property
    def remote_id(self) -> str:
        qualified = f"{self.schema}.{self.name}" if self.schema else self.name
        return f"{self.kind}:{qualified}"


def specs_of(config: dict) -> tuple[list[Spec], list[str]]:
    """The configured tables and queries, and the problems found in them."""
    problems, specs = [], []
    common = config.get("aggregate")
    extra = config.get("personal_columns") or []
    tables = config.get("tables") or []
    queries = config.get("queries") or []
    if isinstance(queries, dict):
        queries = [{"name": name, "sql": sql} for name, sql in queries.items()]
    if not isinstance(tables, list) or not isinstance(queries, list):
        return [], [_("tables must be a list and queries a list or an object")]
    for entry in tables:
        entry = {"table": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict) or not isinstance(entry.get("table"), str) \
                or not entry["table"].strip():
            problems.append(_("Each entry of tables needs a table name"))
            continue
        specs.append(_spec("table", entry, entry["table"].strip(), common, extra))
    for entry in queries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) \
                or not entry["name"].strip() or not isinstance(entry.get("sql"), str):
            problems.append(_("Each query needs a name and its SQL (sql)"))
            continue
        problem = select_problem(entry["sql"])
        if problem:
            problems.append(_("Query %(name)s: %(problem)s", name=entry["name"], problem=problem))
        specs.append(_spec("query", entry, entry["name"].strip(), common, extra))
    ids = [spec.remote_id for spec in specs]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(_("%(name)s is configured twice", name=duplicate))
    for spec in specs:
        problems += _aggregate_problems(spec)
    return specs, problems


def _spec(kind: str, entry: dict, name: str, common, extra) -> Spec:
    personal = entry.get("personal_columns") or []
    return Spec(kind=kind, name=name, sql=str(entry.get("sql") or "").strip().rstrip(";"),
                schema=entry.get("schema") or None, title=str(entry.get("title") or ""),
                notes=str(entry.get("notes") or ""),
                aggregate=entry.get("aggregate", common),
                personal=[str(c) for c in [*extra, *personal]] if isinstance(personal, list) else [])


def _aggregate_problems(spec: Spec) -> list[str]:
    aggregate = spec.aggregate
    if aggregate is None:
        return []
    dimensions = aggregate.get("dimensions") if isinstance(aggregate, dict) else None
    if not isinstance(dimensions, list) or not dimensions or \
            not all(isinstance(d, str) and d for d in dimensions):
        return [_("aggregate needs dimensions: a list of column names")]
    problems = []
    k = aggregate.get("k", 10)
    if not isinstance(k, int) or isinstance(k, bool) or not 2 <= k <= 1000:
        problems.append(_("aggregate.k must be a whole number between 2 and 1000"))
    if aggregate.get("access_level", "open") not in AccessLevel.__members__.values():
        problems.append(_("aggregate.access_level must be open, internal or restricted"))
    personal = [d for d in dimensions if looks_personal(d) or d in spec.personal]
    if personal:
        problems.append(_("aggregate dimensions may not be personal data: %(columns)s",
                          columns=", ".join(personal)))
    return problems


class SqlHarvester:
    source_type = "sql"
    on_missing = "withdraw"
    server_side = True

    def check_config(self, url: str, config: dict) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        try:
            sa.engine.make_url(url).get_dialect()
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError):
            result["url"] = [_("Must be a SQLAlchemy database URL whose driver is installed "
                               "(postgresql+psycopg://..., sqlite:///...)")]
        specs, problems = specs_of(config)
        if not specs and not problems:
            problems.append(_("Give tables or queries to harvest"))
        if problems:
            result["config"] = problems
        return result

    # -- gather -------------------------------------------------------------------------

    def gather(self, run: HarvestRun) -> Listing:
        specs, problems = specs_of(run.config)
        if problems:
            raise SourceError("; ".join(problems))
        engine = self._engine(run)
        try:
            with engine.connect() as connection:
                inspector = sa.inspect(connection)
                existing = {schema: set(inspector.get_table_names(schema=schema))
                            | set(inspector.get_view_names(schema=schema))
                            for schema in {s.schema for s in specs if s.kind == "table"}}
        except sa.exc.SQLAlchemyError as error:
            raise SourceError(_("The database %(url)s cannot be read: %(error)s",
                                url=_redacted(run), error=_first_line(error))) from None
        finally:
            engine.dispose()
        items = []
        for spec in specs:
            if spec.kind == "table" and spec.name not in existing[spec.schema]:
                if spec.remote_id in run.known:
                    run.log(_("Table %(name)s is no longer in the database", name=spec.name))
                    continue  # gone: its dataset is withdrawn
            items.append(RemoteItem(remote_id=spec.remote_id, content={"spec": spec},
                                    title=spec.title or spec.name))
            if spec.aggregate is not None:
                items.append(RemoteItem(remote_id=spec.remote_id + AGGREGATE_SUFFIX,
                                        content={"spec": spec, "aggregate": True},
                                        title=_("%(title)s (aggregated)",
                                                title=spec.title or spec.name)))
        return Listing(items=items)

    @staticmethod
    def _engine(run: HarvestRun) -> sa.Engine:
        return open_engine(run.source.url, min(run.base.request_timeout, max(1, run.remaining())))

    # -- fetch --------------------------------------------------------------------------

    def fetch(self, run: HarvestRun, item: RemoteItem) -> RemoteItem:
        spec: Spec = item.content["spec"]
        engine = self._engine(run)
        folder = run.work_dir / "sql"
        try:
            with engine.connect() as connection:
                if item.content.get("aggregate"):
                    snapshot = self._aggregate(run, connection, spec, folder)
                else:
                    statement = self._select(connection, spec)
                    result = connection.execution_options(stream_results=True).execute(statement)
                    try:
                        snapshot = write_csv(folder / f"{_digest(item.remote_id)}.csv",
                                             f"{_file(spec)}.csv", list(result.keys()),
                                             batches(result), run.check)
                    finally:
                        with suppress(Exception):  # the connection may be gone already
                            result.close()
        except sa.exc.NoSuchTableError:
            raise ItemError(_("Table %(name)s does not exist", name=spec.name)) from None
        except sa.exc.SQLAlchemyError as error:
            raise database_error(error, run.source.url, run.base.request_timeout) from None
        finally:
            engine.dispose()
        item.files["data"] = snapshot.file
        item.content["snapshot"] = snapshot
        return item

    @staticmethod
    def _select(connection, spec: Spec):
        if spec.kind == "query":
            return sa.text(spec.sql)
        table = sa.Table(spec.name, sa.MetaData(), schema=spec.schema, autoload_with=connection)
        order = list(table.primary_key.columns) or list(table.columns)
        return sa.select(table).order_by(*order)

    def _aggregate(self, run: HarvestRun, connection, spec: Spec, folder) -> Snapshot:
        """Counts by the dimensions, computed by the database; small counts suppressed."""
        aggregate = spec.aggregate
        quote = connection.dialect.identifier_preparer.quote
        if spec.kind == "query":
            inner = spec.sql
        else:
            schema = f"{connection.dialect.identifier_preparer.quote_schema(spec.schema)}." \
                if spec.schema else ""
            inner = f"SELECT * FROM {schema}{quote(spec.name)}"
        columns = ", ".join(f"src.{quote(d)}" for d in aggregate["dimensions"])
        statement = sa.text(f"SELECT {columns}, COUNT(*) AS n FROM ({inner}) src "
                            f"GROUP BY {columns} ORDER BY {columns}")
        result = connection.execute(statement)
        k = aggregate.get("k", 10)
        rows = list(batches(result))
        snapshot = write_csv(folder / f"{_digest(spec.remote_id)}-aggregate.csv",
                             f"{_file(spec)}-aggregate.csv",
                             [*aggregate["dimensions"], COUNT_COLUMN, SUPPRESSED_COLUMN],
                             suppressed_counts(rows, k), run.check)
        snapshot.suppressed = sum(1 for batch in rows for row in batch if row[-1] < k)
        return snapshot

    # -- map ----------------------------------------------------------------------------

    def map_item(self, run: HarvestRun, item: RemoteItem) -> DatasetDraft:
        if item.content.get("aggregate"):
            return self._map_aggregate(run, item)
        spec: Spec = item.content["spec"]
        snapshot: Snapshot = item.content["snapshot"]
        flagged = personal_columns(snapshot.columns, spec.personal)
        title = spec.title or spec.name
        source = run.source.title or run.source.name
        notes = spec.notes or _("Data of the application system %(source)s (%(kind)s %(name)s), "
                                "harvested automatically.", source=source, kind=spec.kind,
                                name=spec.name)
        extras = {"source_system": source, f"source_{spec.kind}": spec.name,
                  "row_count": str(snapshot.rows), "columns": ", ".join(snapshot.columns)}
        messages = []
        if flagged:
            extras["personal_data_columns"] = ", ".join(flagged)
            messages.append(_("Columns that look like personal data: %(columns)s",
                              columns=", ".join(flagged)))
        package = {
            "name": _name(run, spec), "title": title, "notes": notes,
            "license_id": "not-published",
            "legal_basis": str(run.config.get("legal_basis") or "")[:300],
            "legal_basis_text": str(run.config.get("legal_basis_text") or "")[:500],
            "access_note": _("Raw data of an application system: restricted (harvested)."),
            "extras": extras,
            "resources": [_resource(snapshot, title, _("%(rows)s rows read from %(kind)s "
                                                       "%(name)s", rows=snapshot.rows,
                                                       kind=spec.kind, name=spec.name))],
        }
        level = AccessLevel.strictest(run.source.default_access_level, AccessLevel.RESTRICTED)
        return DatasetDraft(package=package, access_level=level.value, messages=messages)

    def _map_aggregate(self, run: HarvestRun, item: RemoteItem) -> DatasetDraft:
        spec: Spec = item.content["spec"]
        snapshot: Snapshot = item.content["snapshot"]
        aggregate = spec.aggregate
        dimensions, k = aggregate["dimensions"], aggregate.get("k", 10)
        title = _("%(title)s (aggregated)", title=spec.title or spec.name)
        notes = _("Number of rows of %(title)s by %(dimensions)s. Counts under %(k)s are not "
                  "shown (empty, with 秘匿 = true) so that no person can be singled out.",
                  title=spec.title or spec.name, dimensions="、".join(dimensions), k=k)
        package = {
            "name": f"{_name(run, spec)}-aggregate"[:100], "title": title, "notes": notes,
            "license_id": run.source.default_license_id or "CC-BY-4.0",
            "extras": {"source_system": run.source.title or run.source.name,
                       "aggregate_dimensions": ", ".join(dimensions),
                       "suppression_threshold": str(k),
                       "suppressed_cells": str(snapshot.suppressed)},
            "resources": [_resource(snapshot, title, notes)],
        }
        return DatasetDraft(package=package, access_level=aggregate.get("access_level", "open"))


def _resource(snapshot: Snapshot, title: str, description: str) -> dict:
    return {"name": snapshot.file.filename, "description": description[:1000], "format": "CSV",
            "mimetype": "text/csv", "upload": snapshot.file}


def _name(run: HarvestRun, spec: Spec) -> str:
    name = slugify(f"{run.source.name}-{spec.name}", "sql-data")[:90]
    return name if is_valid_name(name) else ""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _file(spec: Spec) -> str:
    return slugify(spec.name, "data")[:80]


def _first_line(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [""])[0][:300]


def _redacted(run: HarvestRun) -> str:
    return redact_url(run.source.url)
