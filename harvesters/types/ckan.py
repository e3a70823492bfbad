"""``ckan``: another CKAN catalog through its Action API (a BODIK site, a municipal CKAN,
or another instance of this platform).

Config keys:

* ``api_key``: a token of the remote catalog. Only with it are private datasets
  harvested (they are at least ``restricted`` here); without it, none are.
* ``organizations_filter_include`` / ``organizations_filter_exclude``: remote
  organization names to keep or to leave out.
* ``resources``: ``"link"`` (default: resources point at the remote URLs) or ``"copy"``
  (files uploaded at the remote are copied into this catalog's file store).
* ``incremental`` (default true): after a first full harvest, only datasets whose
  ``metadata_modified`` is after the last successful job are fetched; the others are
  checked for presence with ``package_list``, and apparent deletions are confirmed one by
  one with ``package_show`` before anything is withdrawn.
* ``incremental_margin``: seconds subtracted from the last run's start (default 600)
  to allow for clocks that differ.
* ``page_size``: rows per ``package_search`` page (default 1000).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _

from access_control.levels import AccessLevel
from harvesters.http import HttpStatusError
from harvesters.interfaces import DatasetDraft, ItemError, Listing, RemoteItem, SourceError
from harvesters.run import HarvestRun
from harvesters.types.common import clean_extras, clean_tags, map_frequency, map_license

TEXT_FIELDS = ("title", "notes", "url", "version", "author", "author_email", "maintainer",
               "maintainer_email", "contact_phone", "spatial", "legal_basis", "access_note")
EMAIL_FIELDS = ("author_email", "maintainer_email")


class CkanHarvester:
    source_type = "ckan"
    on_missing = "withdraw"
    server_side = False

    def check_config(self, url: str, config: dict) -> dict[str, list[str]]:
        problems: dict[str, list[str]] = {}
        if not url.startswith(("http://", "https://")):
            problems["url"] = [_("Must be an http(s) URL of a CKAN site")]
        if config.get("resources", "link") not in ("link", "copy"):
            problems.setdefault("config", []).append(_("resources must be link or copy"))
        for key in ("organizations_filter_include", "organizations_filter_exclude"):
            value = config.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.setdefault("config", []).append(
                    _("%(key)s must be a list of organization names", key=key))
        page_size = config.get("page_size", 1000)
        if not isinstance(page_size, int) or not 1 <= page_size <= 1000:
            problems.setdefault("config", []).append(_("page_size must be between 1 and 1000"))
        return problems

    # -- gather ---------------------------------------------------------------------

    def gather(self, run: HarvestRun) -> Listing:
        self._authorise(run)
        since = None
        if run.since is not None and run.config.get("incremental", True) and run.known_ids:
            since = run.since - timedelta(seconds=run.config.get("incremental_margin", 600))
        fq = f"metadata_modified:[{since.isoformat(timespec='seconds')}Z TO *]" if since else ""
        listed, out_of_scope = [], set()
        for package in self._search(run, fq):
            if self._in_scope(run, package):
                listed.append(self._item(run, package))
            else:
                out_of_scope.add(package["id"])
        if since is None:
            return Listing(items=listed)
        present = self._still_present(run, {item.remote_id for item in listed})
        present -= out_of_scope
        run.log(_("Incremental harvest: %(count)s datasets changed since %(since)s",
                  count=len(listed), since=since.isoformat(timespec="seconds")))
        return Listing(items=listed, present_ids=present | {item.remote_id for item in listed})

    def _authorise(self, run: HarvestRun) -> None:
        token = run.config.get("api_key")
        if token:
            run.fetcher.auth_headers = {"Authorization": token}
            run.fetcher.auth_host = urlsplit(run.source.url).netloc

    def _action(self, run: HarvestRun, name: str, params: dict | None = None):
        url = run.source.url.rstrip("/") + f"/api/3/action/{name}"
        document = run.fetcher.get_json(url, params)
        if not isinstance(document, dict) or "success" not in document:
            raise SourceError(_("%(url)s is not a CKAN Action API", url=url))
        if not document["success"]:
            error = document.get("error") or {}
            raise SourceError(_("The CKAN API refused %(action)s: %(error)s", action=name,
                                error=str(error.get("message") or error)[:300]))
        return document.get("result")

    def _search(self, run: HarvestRun, fq: str):
        """Every dataset (matching ``fq``), page by page, oldest change first: a change
        during the paging moves a dataset to the end, so none is skipped."""
        rows = run.config.get("page_size", 1000)
        private = bool(run.config.get("api_key"))
        start, seen = 0, set()
        while True:
            run.check()
            result = self._action(run, "package_search", {
                "q": "*:*", "fq": fq, "rows": rows, "start": start,
                "sort": "metadata_modified asc,name asc",
                "include_private": "true" if private else "false",
            })
            if not isinstance(result, dict) or not isinstance(result.get("results"), list):
                raise SourceError(_("package_search returned an unexpected result"))
            for package in result["results"]:
                if not isinstance(package, dict) or not package.get("id"):
                    raise SourceError(_("package_search returned a dataset without an id"))
                if package["id"] in seen or (package.get("private") and not private):
                    continue
                seen.add(package["id"])
                yield package
            start += rows
            if not result["results"] or start >= int(result.get("count") or 0):
                return

    def _in_scope(self, run: HarvestRun, package: dict) -> bool:
        organization = (package.get("organization") or {}).get("name", "")
        include = run.config.get("organizations_filter_include") or []
        exclude = run.config.get("organizations_filter_exclude") or []
        return (not include or organization in include) and organization not in exclude

    def _still_present(self, run: HarvestRun, listed: set[str]) -> set[str]:
        """Which known datasets are still at the source (incremental runs): those named in
        package_list, and those confirmed one by one with package_show."""
        names = set(self._action(run, "package_list") or [])
        present = set()
        for remote_id in sorted(run.known_ids - listed):
            run.check()
            if self._known_name(run, remote_id) in names or self._exists(run, remote_id):
                present.add(remote_id)
        return present

    @staticmethod
    def _known_name(run: HarvestRun, remote_id: str) -> str:
        """The remote name recorded at the last harvest (the end of its remote URL)."""
        return run.known.get(remote_id, "").rstrip("/").rsplit("/dataset/", 1)[-1]

    def _exists(self, run: HarvestRun, remote_id: str) -> bool:
        url = run.source.url.rstrip("/") + "/api/3/action/package_show"
        try:
            package = self._action(run, "package_show", {"id": remote_id})
        except SourceError as error:
            if isinstance(error, HttpStatusError) and error.status in (403, 404):
                return False  # gone, or no longer visible to us
            raise SourceError(_("Could not check whether %(id)s still exists at %(url)s: "
                                "%(error)s", id=remote_id, url=url, error=error.message))
        return (isinstance(package, dict) and package.get("state", "active") == "active"
                and self._in_scope(run, package))

    def _item(self, run: HarvestRun, package: dict) -> RemoteItem:
        base = run.source.url.rstrip("/")
        return RemoteItem(remote_id=package["id"], content=package,
                          title=str(package.get("title") or package.get("name") or ""),
                          remote_url=f"{base}/dataset/{package.get('name') or package['id']}",
                          remote_modified=str(package.get("metadata_modified") or ""))

    # -- fetch ------------------------------------------------------------------------

    def fetch(self, run: HarvestRun, item: RemoteItem) -> RemoteItem:
        """Copies uploaded files when ``resources`` is ``copy``; links need nothing."""
        if run.config.get("resources", "link") != "copy":
            return item
        for resource in item.content.get("resources") or []:
            url = resource.get("url") or ""
            if resource.get("url_type") != "upload" or not url.startswith(("http://", "https://")):
                continue
            filename = url.rstrip("/").rsplit("/", 1)[-1] or "data"
            try:
                item.files[url] = run.fetcher.download(
                    url, run.work_dir / "files", filename[:100], run.max_file_bytes)
            except SourceError as error:
                raise ItemError(_("Could not copy %(name)s: %(error)s",
                                  name=resource.get("name") or url, error=error.message))
        return item

    # -- map --------------------------------------------------------------------------

    def map_item(self, run: HarvestRun, item: RemoteItem) -> DatasetDraft:
        remote = item.content
        package = {key: str(remote.get(key) or "") for key in TEXT_FIELDS}
        for key in EMAIL_FIELDS:
            if "@" not in package[key]:
                package[key] = ""
        package["name"] = str(remote.get("name") or "")
        extras = {e.get("key"): e.get("value") for e in remote.get("extras") or []
                  if isinstance(e, dict)}
        package["license_id"] = map_license(remote.get("license_id"),
                                            remote.get("license_title"), remote.get("license_url"))
        if remote.get("license_id") and not package["license_id"]:
            extras["remote_license"] = remote.get("license_title") or remote.get("license_id")
        package["frequency"] = map_frequency(remote.get("frequency"))
        for key in ("temporal_start", "temporal_end"):
            package[key] = str(remote.get(key) or "")[:10]
        package["tags"] = clean_tags(tag.get("name") if isinstance(tag, dict) else tag
                                     for tag in remote.get("tags") or [])
        package["extras"] = clean_extras(extras)
        package["resources"] = [self._resource(item, r) for r in remote.get("resources") or []
                                if isinstance(r, dict)]
        return DatasetDraft(package=package, access_level=self._level(run, remote))

    def _resource(self, item: RemoteItem, remote: dict) -> dict:
        resource = {key: remote.get(key) or "" for key in ("name", "description", "format",
                                                            "mimetype", "hash")}
        resource["url"] = remote.get("url") or ""
        resource["size"] = remote.get("size") if isinstance(remote.get("size"), int) else None
        if resource["url"] in item.files:
            resource["upload"] = item.files[resource["url"]]
        return resource

    def _level(self, run: HarvestRun, remote: dict) -> str:
        """The remote level, never more open than the source's default. A private dataset
        is never open here; without an ``access_level`` (plain CKAN) it is restricted,
        since CKAN's private means members of its organization only."""
        remote_level = remote.get("access_level")
        if remote_level not in AccessLevel.__members__.values():
            remote_level = AccessLevel.RESTRICTED if remote.get("private") else AccessLevel.OPEN
        if remote.get("private"):
            remote_level = AccessLevel.strictest(remote_level, AccessLevel.INTERNAL)
        return AccessLevel.strictest(remote_level, run.source.default_access_level).value
