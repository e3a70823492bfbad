"""``estat``: the government statistics API, e-Stat API v3 (JSON).

The source URL is the API's base, ``https://api.e-stat.go.jp/rest/3.0/app/json`` (tests
point it at a local server); the type calls ``{url}/getStatsList``, ``{url}/getMetaInfo``
and ``{url}/getStatsData``. Each statistics table (統計表) becomes one dataset:

* metadata from TABLE_INF: 統計名 (STAT_NAME), 表題 (TITLE), 調査年月 (SURVEY_DATE),
  公開日 (OPEN_DATE), 更新日 (UPDATED_DATE), 作成機関 (GOV_ORG), 提供周期 (CYCLE),
  分野 (MAIN_CATEGORY/SUB_CATEGORY) as extras under those Japanese names, the title,
  the description, tags and the update frequency;
* one CSV resource, turned into a DataStore table by the normal ingest pipeline, in tidy
  form (see :mod:`harvesters.types.estat_data`): one row per VALUE with ``<id>_code``
  and a label column for every classification present (tab, cat01..cat15, area, time;
  labels from CLASS_INF), ``unit``, ``value`` (empty for a special symbol) and
  ``special_symbol`` (``-``, ``…``, ``x``, ``***``, ... as listed in NOTE).

Config keys:

* ``appId`` (required): the application ID issued by e-Stat. Hidden from everyone who
  may not manage the source, and never written in logs or reasons.
* Which tables, at least one of:
  ``statsDataId`` (list of 統計表ID, each read with getMetaInfo);
  ``statsCode`` (政府統計コード, 5 or 8 digits), ``searchWord`` and ``surveyYears``
  (``yyyy``, ``yyyymm`` or ``yyyymm-yyyymm``): filters of one getStatsList listing.
  Both kinds may be combined; the union is harvested.
* ``lang``: ``J`` (default) or ``E``.
* ``page_size``: tables per getStatsList page (default 1000); ``data_page_size``: values
  per getStatsData page (default 100000, e-Stat's maximum). Both follow NEXT_KEY.
* ``incremental`` (default true): a table whose UPDATED_DATE is the one recorded at the
  last harvest is not downloaded again and is reported unchanged.
* ``license_id``: licence of the datasets (default: the source's, else 政府標準利用規約 2.0).
* ``page_url``: the table's page at e-Stat, ``{id}`` replaced by the table id (default
  ``https://www.e-stat.go.jp/dbview?sid={id}``).

e-Stat answers with RESULT.STATUS: 0 is success; 1 (該当データなし) makes an empty
getStatsList listing; any other status is reported with e-Stat's own ERROR_MSG: for the
listing (or a refused appId) the job fails, for one table only that table is errored.
e-Stat gives a single object instead of a one-element list (TABLE_INF, CLASS_OBJ, CLASS,
VALUE, NOTE): every such place accepts both.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from harvesters.interfaces import DatasetDraft, ItemError, Listing, RemoteItem, SourceError
from harvesters.run import HarvestRun
from harvesters.types.common import clean_extras, clean_tags, map_license
from harvesters.types.estat_data import (
    as_list, call, classes_of, next_key, refused, text_of, write_tidy_csv,
)

DEFAULT_PAGE_URL = "https://www.e-stat.go.jp/dbview?sid={id}"
DEFAULT_LICENSE = "gov-standard-2.0"
SURVEY_YEARS = re.compile(r"^\d{4}(\d{2})?(-\d{4}(\d{2})?)?$")
STATS_CODE = re.compile(r"^\d{5}(\d{3})?$")
CYCLES = {"月次": "monthly", "四半期": "quarterly", "年次": "annual", "年度次": "annual",
          "週次": "weekly", "日次": "daily", "不定期": "irregular"}  # 半年次: none fits
# TABLE_INF element -> extra key (the names staff know from e-Stat's pages)
EXTRA_FIELDS = (("STAT_NAME", "統計名"), ("GOV_ORG", "作成機関"), ("STATISTICS_NAME", "提供統計名"),
                ("TITLE", "表題"), ("CYCLE", "提供周期"), ("SURVEY_DATE", "調査年月"),
                ("OPEN_DATE", "公開日"), ("UPDATED_DATE", "更新日"),
                ("MAIN_CATEGORY", "分野（大分類）"), ("SUB_CATEGORY", "分野（小分類）"),
                ("COLLECT_AREA", "集計地域区分"), ("OVERALL_TOTAL_NUMBER", "総件数"))


class EstatHarvester:
    source_type = "estat"
    on_missing = "withdraw"
    server_side = False

    def check_config(self, url: str, config: dict) -> dict[str, list[str]]:
        problems: list[str] = []
        if not isinstance(config.get("appId"), str) or not config["appId"].strip():
            problems.append(_("appId (the application ID issued by e-Stat) is required"))
        ids = config.get("statsDataId", [])
        if not isinstance(ids, list) or not all(isinstance(i, str) and i.strip() for i in ids):
            problems.append(_("statsDataId must be a list of statistics table IDs"))
            ids = []
        if not ids and not any(config.get(key) for key in ("statsCode", "searchWord")):
            problems.append(_("Give statsDataId, statsCode or searchWord to choose the tables"))
        code = config.get("statsCode")
        if code is not None and not (isinstance(code, str) and STATS_CODE.match(code)):
            problems.append(_("statsCode must be a government statistics code of 5 or 8 digits"))
        years = config.get("surveyYears")
        if years is not None and not (isinstance(years, str) and SURVEY_YEARS.match(years)):
            problems.append(_("surveyYears must be yyyy, yyyymm or yyyymm-yyyymm"))
        if config.get("lang", "J") not in ("J", "E"):
            problems.append(_("lang must be J or E"))
        for key, default in (("page_size", 1000), ("data_page_size", 100_000)):
            value = config.get(key, default)
            if not isinstance(value, int) or not 1 <= value <= 100_000:
                problems.append(_("%(key)s must be between 1 and 100000", key=key))
        result: dict[str, list[str]] = {"config": problems} if problems else {}
        if not url.startswith(("http://", "https://")):
            result["url"] = [_("Must be the http(s) base URL of the e-Stat API "
                               "(https://api.e-stat.go.jp/rest/3.0/app/json)")]
        return result

    # -- gather -------------------------------------------------------------------------

    def gather(self, run: HarvestRun) -> Listing:
        tables: dict[str, dict] = {}
        if any(run.config.get(key) for key in ("statsCode", "searchWord")):
            for table in self._list(run):
                tables.setdefault(str(table.get("@id") or ""), table)
        refusals = []
        for table_id in run.config.get("statsDataId") or []:
            run.check()
            if table_id not in tables:
                tables[table_id] = self._meta(run, table_id)
                if "_refused" in tables[table_id]:
                    refusals.append(tables[table_id]["_refused"])
        tables.pop("", None)
        if refusals and len(refusals) == len(tables):
            # every table refused (an appId refused, say): the source, not one table
            raise SourceError(refusals[0])
        items, unchanged = [], set()
        incremental = run.config.get("incremental", True)
        for table_id, table in tables.items():
            updated = text_of(table.get("UPDATED_DATE"))
            if incremental and updated and run.known_modified.get(table_id) == updated:
                unchanged.add(table_id)
                continue
            items.append(RemoteItem(
                remote_id=table_id, content={"table": table}, title=_table_title(table),
                remote_url=run.config.get("page_url", DEFAULT_PAGE_URL).replace("{id}", table_id),
                remote_modified=updated))
        if unchanged:
            run.log(_("%(count)s tables have the same UPDATED_DATE as at the last harvest",
                      count=len(unchanged)))
        return Listing(items=items, present_ids=unchanged | {item.remote_id for item in items})

    def _list(self, run: HarvestRun) -> list[dict]:
        """Every table of the getStatsList listing, following NEXT_KEY."""
        params = {key: run.config[key] for key in ("statsCode", "searchWord", "surveyYears")
                  if run.config.get(key)}
        params["limit"] = run.config.get("page_size", 1000)
        tables, start = [], 1
        while True:
            run.check()
            body, status, message = call(run, "getStatsList", {**params, "startPosition": start})
            if status == 1:  # 該当データなし: an empty listing (the base refuses a sudden one)
                run.log(_("e-Stat: %(message)s", message=message))
                return tables
            if status != 0:
                raise SourceError(refused("getStatsList", status, message))
            listing = body.get("DATALIST_INF")
            if not isinstance(listing, dict):
                raise SourceError(_("getStatsList returned no DATALIST_INF"))
            tables.extend(t for t in as_list(listing.get("TABLE_INF")) if isinstance(t, dict))
            following = next_key(listing.get("RESULT_INF"), start, "getStatsList")
            if following is None:
                return tables
            start = following

    @staticmethod
    def _meta(run: HarvestRun, table_id: str) -> dict:
        """TABLE_INF of one table (getMetaInfo), with its CLASS_INF kept beside it. A table
        e-Stat refuses is kept with the reason (``_refused``), to be errored in fetch."""
        body, status, message = call(run, "getMetaInfo", {"statsDataId": table_id})
        if status != 0:
            return {"@id": table_id, "_refused": refused(f"getMetaInfo {table_id}", status, message)}
        meta = body.get("METADATA_INF") or {}
        table = meta.get("TABLE_INF") if isinstance(meta, dict) else None
        if not isinstance(table, dict):
            raise SourceError(_("getMetaInfo returned no TABLE_INF for %(id)s", id=table_id))
        return {**table, "@id": table.get("@id") or table_id, "_class_inf": meta.get("CLASS_INF")}

    # -- fetch --------------------------------------------------------------------------

    def fetch(self, run: HarvestRun, item: RemoteItem) -> RemoteItem:
        """Read the classifications (getMetaInfo) and every value (getStatsData, page by
        page) into a tidy CSV file."""
        table = item.content["table"]
        if "_class_inf" not in table:
            table = self._meta(run, item.remote_id)
        if "_refused" in table:
            raise ItemError(table["_refused"])
        class_inf = table.get("_class_inf")
        classes = classes_of(class_inf)
        if not classes:
            raise ItemError(_("e-Stat gave no classifications (CLASS_INF) for table %(id)s",
                              id=item.remote_id))
        downloaded, notes, count = write_tidy_csv(
            run, item.remote_id, classes, run.config.get("data_page_size", 100_000))
        item.files["data"] = downloaded
        item.content.update(classes=[(c.id, c.name) for c in classes], notes=notes,
                            value_count=count)
        return item

    # -- map ----------------------------------------------------------------------------

    def map_item(self, run: HarvestRun, item: RemoteItem) -> DatasetDraft:
        table, table_id = item.content["table"], item.remote_id
        extras = {key: text_of(table.get(element)) for element, key in EXTRA_FIELDS}
        extras["統計表ID"] = table_id
        extras["政府統計コード"] = _code_of(table.get("STAT_NAME"))
        extras["作成機関コード"] = _code_of(table.get("GOV_ORG"))
        extras["分類事項"] = "、".join(f"{name}（{cid}）" for cid, name in item.content["classes"])
        if item.content["notes"]:
            extras["特殊記号"] = "; ".join(f"{char}: {meaning}"
                                       for char, meaning in item.content["notes"].items())
        title = _table_title(table)
        lines = [text_of(table.get("DESCRIPTION"))]
        lines += [f"- {key}: {extras[key]}" for key in
                  ("統計名", "表題", "調査年月", "公開日", "更新日", "作成機関") if extras.get(key)]
        package = {
            "name": f"estat-{table_id}".lower(),
            "title": title,
            "notes": "\n".join(line for line in lines if line).strip(),
            "url": item.remote_url,
            "author": extras["作成機関"],
            "frequency": CYCLES.get(extras["提供周期"], ""),
            "license_id": map_license(run.config.get("license_id")) or
            run.source.default_license_id or DEFAULT_LICENSE,
            "tags": clean_tags([extras["統計名"], extras["分野（大分類）"], extras["分野（小分類）"],
                                "e-Stat"]),
            "extras": clean_extras({k: v for k, v in extras.items() if v}),
            "resources": [{
                "name": _("%(title)s (one row per value)", title=extras["表題"] or title)[:300],
                "description": _("Statistics table %(id)s from the e-Stat API (getStatsData), "
                                 "%(count)s values, one row per value with the code and "
                                 "label of every classification", id=table_id,
                                 count=item.content["value_count"]),
                "format": "CSV", "mimetype": "text/csv",
                "upload": item.files["data"],
            }],
        }
        return DatasetDraft(package=package)


def _table_title(table: dict) -> str:
    title = text_of(table.get("TITLE")) or text_of(table.get("@id"))
    name = text_of(table.get("STATISTICS_NAME")) or text_of(table.get("STAT_NAME"))
    return f"{name} {title}".strip() if name and name not in title else title


def _code_of(value) -> str:
    return str(value.get("@code") or "") if isinstance(value, dict) else ""
