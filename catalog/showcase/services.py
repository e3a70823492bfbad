"""Changing and finding use cases. Callers check permission (``Action.MANAGE_SHOWCASES``)
and commit; these functions only flush."""

from __future__ import annotations

import io
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from access_control.policy import Action, can, visibility
from access_control.principals import ANONYMOUS, Principal
from catalog.api.context import Context
from catalog.api.errors import NotFound, ValidationError
from catalog.datasets.models import Dataset
from catalog.db import new_id, utcnow
from catalog.showcase import spam
from catalog.showcase.images import InvalidImage, clean_image
from catalog.showcase.models import Showcase, ShowcaseState, ShowcaseTag, showcase_datasets
from catalog.showcase.schema import parse_showcase
from catalog.slugs import slugify, unique_name
from catalog.storage import delete_after_commit, file_store, track_new_file

IMAGE_FIELDS = ("image_upload", "upload")  # ckanext-showcase's name, and ours
# Paths under /showcase/ that are pages, so no use case may be called so.
RESERVED_NAMES = {"submit", "submitted", "new", "moderation"}


def find_showcase(db: Session, reference: str) -> Showcase | None:
    if not reference:
        return None
    return db.scalar(sa.select(Showcase).where(
        sa.or_(Showcase.id == reference, Showcase.name == reference)))


def showcase_for(principal: Principal, db: Session, reference: str) -> Showcase:
    """The use case if ``principal`` may see it: published ones for everyone, the others
    for moderators only (Not Found otherwise)."""
    showcase = find_showcase(db, str(reference or ""))
    if showcase is None or (showcase.state != ShowcaseState.ACTIVE
                            and not can(principal, Action.MANAGE_SHOWCASES)):
        raise NotFound(_("Use case not found"))
    return showcase


def create_showcase(context: Context, data: dict, *, state: ShowcaseState) -> Showcase:
    """A new use case in ``state`` from ``data`` (an image upload included)."""
    staff = can(context.principal, Action.MANAGE_SHOWCASES)
    parsed = parse_showcase(context.db, data, partial=False, staff=staff)
    columns = dict(parsed.columns)
    if "name" in columns:
        _check_name_free(context.db, columns["name"])
    else:
        base = slugify(columns["title"], fallback="showcase")
        base = f"{base}-case" if base in RESERVED_NAMES else base
        columns["name"] = unique_name(context.db, Showcase.__table__.c.name, base)
    showcase = Showcase(id=new_id(), state=state.value,
                        creator_user_id=context.principal.user_id, **columns)
    context.db.add(showcase)
    showcase.tags = [ShowcaseTag(name=name) for name in parsed.tags or []]
    showcase.datasets = parsed.datasets or []
    _store_image(context, showcase, data)
    context.db.flush()
    return showcase


def update_showcase(context: Context, showcase: Showcase, data: dict, *, partial: bool) -> None:
    """Replace (``partial`` False) or patch the given fields of ``showcase``."""
    parsed = parse_showcase(context.db, data, partial=partial, staff=True)
    name = parsed.columns.get("name")
    if name and name != showcase.name:
        _check_name_free(context.db, name)
    for key, value in parsed.columns.items():
        setattr(showcase, key, value)
    if parsed.tags is not None:
        showcase.tags = [ShowcaseTag(name=name) for name in parsed.tags]
    if parsed.datasets is not None:
        showcase.datasets = _keep_hidden_links(showcase, parsed.datasets)
    _store_image(context, showcase, data)
    showcase.modified = utcnow()
    context.db.flush()


def _keep_hidden_links(showcase: Showcase, given: list[Dataset]) -> list[Dataset]:
    """Links to datasets that have since closed are not shown to anyone, so an edit made
    without them must not drop them: they reappear if the dataset opens again."""
    visible = visibility(ANONYMOUS)
    hidden = [d for d in showcase.datasets
              if d.state != "active" or not visible.allows(d.access_level, d.owner_org_id, d.id)]
    return given + [d for d in hidden if d not in given]


def delete_showcase(context: Context, showcase: Showcase) -> None:
    if showcase.image_key:
        delete_after_commit(context.db, file_store(), showcase.image_key)
    context.db.delete(showcase)
    context.db.flush()


def submit_showcase(context: Context, data: dict) -> Showcase:
    """A use case proposed by anyone: checked, rate limited, and queued for moderation."""
    allowed = {key: data[key] for key in data
               if key not in ("featured", "name", "state", "moderation_note")}
    showcase = create_showcase(context, allowed, state=ShowcaseState.PENDING)
    spam.check_and_record(context.db, spam.client_key(context.settings.secret_key,
                                                      context.remote_addr))
    return showcase


def moderate(showcase: Showcase, state: ShowcaseState, note: str = "") -> None:
    """Approve (``ACTIVE``) or reject (``REJECTED``, with a reason) a use case."""
    showcase.state = state.value
    showcase.moderation_note = note.strip()[:2000]
    showcase.modified = utcnow()


def link_dataset(showcase: Showcase, dataset: Dataset) -> None:
    """Link ``dataset``; only datasets the public may read can be linked."""
    if dataset.state != "active" or not can(ANONYMOUS, Action.READ, dataset):
        raise ValidationError({"package_id": [_("Only open datasets can be linked to a use case")]})
    if dataset not in showcase.datasets:
        showcase.datasets.append(dataset)
        showcase.modified = utcnow()


def unlink_dataset(showcase: Showcase, dataset: Dataset) -> None:
    if dataset in showcase.datasets:
        showcase.datasets.remove(dataset)
        showcase.modified = utcnow()


def public_datasets(showcase: Showcase) -> list[Dataset]:
    """The linked datasets the public may read: the only ones ever shown or counted."""
    return [dataset for dataset in showcase.datasets
            if dataset.state == "active" and can(ANONYMOUS, Action.READ, dataset)]


@dataclass
class ShowcasePage:
    count: int
    showcases: list[Showcase]


def search_showcases(db: Session, *, state: ShowcaseState = ShowcaseState.ACTIVE,
                     showcase_type: str = "", tag: str = "", dataset_id: str = "",
                     featured_first: bool = False, limit: int = 20, offset: int = 0
                     ) -> ShowcasePage:
    """Use cases in ``state``, newest first (featured ones first if asked)."""
    query = sa.select(Showcase).where(Showcase.state == state.value)
    if showcase_type:
        query = query.where(Showcase.showcase_type == showcase_type)
    if tag:
        query = query.where(Showcase.id.in_(
            sa.select(ShowcaseTag.showcase_id).where(ShowcaseTag.name == tag)))
    if dataset_id:
        query = query.where(Showcase.id.in_(sa.select(showcase_datasets.c.showcase_id).where(
            showcase_datasets.c.dataset_id == dataset_id)))
    count = db.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    order = [Showcase.featured.desc()] if featured_first else []
    showcases = db.scalars(query.order_by(*order, Showcase.created.desc(), Showcase.name)
                           .limit(limit).offset(offset))
    return ShowcasePage(count, list(showcases))


def _check_name_free(db: Session, name: str) -> None:
    if name in RESERVED_NAMES or find_showcase(db, name):
        raise ValidationError({"name": [_("That URL is already in use")]})


def _store_image(context: Context, showcase: Showcase, data: dict) -> None:
    upload = next((data[key] for key in IMAGE_FIELDS
                   if isinstance(data.get(key), FileStorage) and data[key].filename), None)
    if upload is None:
        return
    try:
        image = clean_image(upload.stream)
    except InvalidImage as error:
        raise ValidationError({"image_upload": [str(error)]}) from None
    store = file_store()
    key = f"showcases/{showcase.id}/image-{new_id()}.{image.extension}"
    store.save(key, io.BytesIO(image.content))
    track_new_file(context.db, store, key)
    if showcase.image_key:
        delete_after_commit(context.db, store, showcase.image_key)
    showcase.image_key, showcase.image_mimetype = key, image.mimetype
