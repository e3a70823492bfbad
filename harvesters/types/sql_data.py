"""Reading an application system's database for the ``sql`` type: read-only connections,
the SELECT-only check, personal-data columns, CSV writing and the aggregated derivative.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time as time_of_day
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.pool import NullPool

from harvesters.config import redact_url
from harvesters.interfaces import DownloadedFile, ItemError, SourceError

BATCH = 5000
# Japanese words for personal data (substring match, after NFKC).
PERSONAL_WORDS = ("氏名", "名前", "姓名", "フリガナ", "ふりがな", "住所", "所在地番", "電話",
                  "携帯", "生年月日", "誕生日", "メール", "マイナンバー", "個人番号")
# English / romaji words, matched as whole parts of the column name (first_name, TelNo).
PERSONAL_PARTS = {"name", "fullname", "firstname", "lastname", "shimei", "namae", "kana",
                  "furigana", "address", "addr", "jusho", "juusho", "jyusho", "phone",
                  "telephone", "tel", "mobile", "denwa", "birth", "birthday", "birthdate", "dob",
                  "seinengappi", "email", "mail", "mynumber", "kojinbango"}
# "name" in these compounds names a thing, not a person (facility_name, city_name).
NOT_A_PERSON = {"facility", "city", "municipality", "town", "ward", "prefecture", "pref",
                "org", "organization", "organisation", "company", "corp", "office", "dept",
                "department", "division", "section", "product", "item", "file", "table",
                "column", "place", "station", "school", "category", "type", "kind", "event",
                "shop", "store", "building", "service", "project", "plan", "program",
                "course", "area", "region", "district", "street", "road", "route", "river",
                "bank", "branch", "app", "application", "system", "form", "document"}
FORBIDDEN = re.compile(
    r"\b(INSERT|UPDATE|DELETE|MERGE|UPSERT|CREATE|DROP|ALTER|TRUNCATE|GRANT|REVOKE|COPY|"
    r"CALL|EXEC|EXECUTE|ATTACH|DETACH|PRAGMA|VACUUM|REINDEX|LOCK|INTO|LOAD|HANDLER|"
    r"REFRESH|CLUSTER|COMMENT|SECURITY|NOTIFY|LISTEN)\b", re.IGNORECASE)
COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
LITERALS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`")


def select_problem(sql: str) -> str | None:
    """Why ``sql`` is not a single read-only SELECT (None when it is one)."""
    text = LITERALS.sub("''", COMMENTS.sub(" ", sql or "")).strip().rstrip(";").strip()
    if not text:
        return _("The query is empty")
    if ";" in text:
        return _("Only one statement is allowed")
    if not re.match(r"^(SELECT|WITH)\b", text, re.IGNORECASE):
        return _("Only SELECT statements are allowed")
    forbidden = FORBIDDEN.search(text)
    if forbidden:
        return _("Only SELECT statements are allowed (found %(word)s)",
                 word=forbidden.group(1).upper())
    return None


def personal_columns(columns: list[str], extra: list[str] = ()) -> list[str]:
    """The columns whose names look like personal data (氏名, 住所, 電話番号, 生年月日,
    メールアドレス, マイナンバー, name/address/phone/birth/email ...), plus ``extra``."""
    found = []
    for column in columns:
        if column in extra or looks_personal(column):
            found.append(column)
    return found


def looks_personal(column: str) -> bool:
    text = unicodedata.normalize("NFKC", column).strip()
    if any(word in text for word in PERSONAL_WORDS):
        return True
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text).lower()
    parts = [part for part in re.split(r"[^a-z0-9]+", spaced) if part]
    joined = "".join(parts)
    if joined in PERSONAL_PARTS or any(joined.endswith(word) for word in
                                       ("email", "mailaddress", "phonenumber", "telno",
                                        "birthday", "birthdate", "mynumber")):
        return True
    for index, part in enumerate(parts):
        if part not in PERSONAL_PARTS:
            continue
        if part in ("name", "kana") and (set(parts[:index]) & NOT_A_PERSON):
            continue
        return True
    return False


@dataclass
class Snapshot:
    """What was read: the CSV file, its columns and how many rows."""

    file: DownloadedFile
    columns: list[str]
    rows: int
    suppressed: int = 0
    notes: list[str] = field(default_factory=list)


def open_engine(url: str, statement_seconds: float) -> sa.Engine:
    """An engine for reading only: SQLite opened read-only (and never created), PostgreSQL
    and MySQL/MariaDB sessions set read-only, statements stopped after
    ``statement_seconds``. Connections are not pooled (each read opens its own)."""
    parsed = sa.engine.make_url(url)
    backend = parsed.get_backend_name()
    connect_args: dict = {}
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:" \
            and not parsed.database.startswith("file:"):
        parsed = parsed.set(database=f"file:{parsed.database}",
                            query={**parsed.query, "mode": "ro", "uri": "true"})
    elif backend == "postgresql":
        connect_args["options"] = (f"-c default_transaction_read_only=on "
                                   f"-c statement_timeout={max(1, int(statement_seconds * 1000))}")
        connect_args["connect_timeout"] = max(1, int(min(statement_seconds, 30)))
    try:
        engine = sa.create_engine(parsed, poolclass=NullPool, connect_args=connect_args)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as error:
        raise SourceError(_("The database URL %(url)s cannot be used: %(error)s",
                            url=redact_url(url), error=str(error)[:200])) from None

    @sa.event.listens_for(engine, "connect")
    def _read_only(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        try:
            if backend == "sqlite":
                cursor.execute("PRAGMA query_only = ON")
                deadline = time.monotonic() + statement_seconds
                dbapi_connection.set_progress_handler(
                    lambda: 1 if time.monotonic() > deadline else 0, 10_000)
            elif backend in ("mysql", "mariadb"):
                cursor.execute("SET SESSION TRANSACTION READ ONLY")
                _mysql_time_limit(cursor, statement_seconds)
        finally:
            cursor.close()

    return engine


def _mysql_time_limit(cursor, seconds: float) -> None:
    """MariaDB's max_statement_time (seconds) or MySQL's max_execution_time (ms)."""
    try:
        cursor.execute(f"SET SESSION max_statement_time = {float(seconds):.3f}")
    except Exception:  # noqa: BLE001 - MySQL has the other one
        cursor.execute(f"SET SESSION max_execution_time = {max(1, int(seconds * 1000))}")


def database_error(error: Exception, url: str, seconds: float) -> Exception:
    """A database failure as a harvest error: a lost connection or a time-out is the
    source's failure (the job fails); a statement the database refuses is the item's."""
    if isinstance(error, sa.exc.DBAPIError):
        message = str(error.orig).strip().splitlines()[0][:300] if error.orig else str(error)
        if error.connection_invalidated:
            return SourceError(_("The connection to the database %(url)s was lost: %(error)s",
                                 url=redact_url(url), error=message))
        lowered = message.lower()
        if "statement timeout" in lowered or "interrupted" in lowered or \
                "canceling statement" in lowered or "max_execution_time" in lowered or \
                "max_statement_time" in lowered:
            return SourceError(_("The query ran longer than %(seconds)s seconds "
                                 "(request_timeout): %(error)s", seconds=int(seconds),
                                 error=message))
        return ItemError(_("The database refused the query: %(error)s", error=message))
    return SourceError(_("The database %(url)s cannot be read: %(error)s",
                         url=redact_url(url), error=str(error)[:300]))


def cell(value) -> str:
    """A database value as CSV text (None is empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date, time_of_day)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    return str(value)


def write_csv(path: Path, filename: str, columns: list[str], rows, check) -> Snapshot:
    """Write ``rows`` (batches of tuples) to a CSV file; ``check`` runs between batches."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for batch in rows:
            check()
            writer.writerows([cell(value) for value in row] for row in batch)
            count += len(batch)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    file = DownloadedFile(path=path, filename=filename, sha256=digest,
                          size=path.stat().st_size, mimetype="text/csv")
    return Snapshot(file=file, columns=list(columns), rows=count)


def batches(result):
    while True:
        batch = result.fetchmany(BATCH)
        if not batch:
            return
        yield batch


def suppressed_counts(rows, k: int):
    """Counts under ``k`` become empty, flagged in the last column (秘匿)."""
    for batch in rows:
        yield [(*row[:-1], None if row[-1] < k else row[-1], "true" if row[-1] < k else "false")
               for row in batch]
