"""Finding datasets and resources for a caller: 404 or 403 exactly as the policy says.

Use these in every action and view that takes a dataset or resource reference, so that
a closed dataset is never confirmed to exist to someone who may not know of it.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from access_control.policy import Action, can
from access_control.principals import Principal
from catalog.api.errors import NotAuthorized, NotFound
from catalog.datasets.models import Dataset, Resource


def find_dataset(db: Session, reference: str) -> Dataset | None:
    """The dataset with this id or name, whatever its state or level (no access check)."""
    if not reference:
        return None
    return db.scalar(
        sa.select(Dataset).where(sa.or_(Dataset.id == reference, Dataset.name == reference))
    )


def dataset_for(principal: Principal, db: Session, reference: str, action: Action) -> Dataset:
    """The dataset if ``principal`` may do ``action`` on it.

    Raises Not Found when the dataset is missing or the principal may not even know it
    exists, and Authorization Error when they may know of it but not do ``action``.
    """
    dataset = find_dataset(db, str(reference or ""))
    if dataset is None:
        raise NotFound(_("Dataset not found"))
    if can(principal, action, dataset):
        return dataset
    if can(principal, Action.READ, dataset) or (
        dataset.state == "active" and can(principal, Action.KNOW_EXISTS, dataset)
    ):
        # Echo the reference given, not the name: the name is derived from the title,
        # which someone who only knows the id may not learn.
        raise NotAuthorized(_("You are not allowed to do this with dataset %(name)s",
                              name=str(reference)[:100]))
    raise NotFound(_("Dataset not found"))


def resource_for(principal: Principal, db: Session, resource_id: str, action: Action) -> Resource:
    """The resource if ``principal`` may read it and do ``action`` on its dataset.
    Not Found / Authorization Error as :func:`dataset_for`."""
    resource = db.get(Resource, str(resource_id or "")) if resource_id else None
    if resource is None:
        raise NotFound(_("Resource not found"))
    dataset_for(principal, db, resource.dataset_id, action)
    if not can(principal, Action.READ, resource):
        raise NotAuthorized(_("You are not allowed to read this resource"))
    return resource
