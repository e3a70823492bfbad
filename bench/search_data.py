"""Generated catalogs for bench/search.py, and the LIKE baseline it is measured against."""

from __future__ import annotations

import random

import sqlalchemy as sa

from access_control.models import User
from catalog.datasets.models import Dataset, Resource, Tag, dataset_groups, dataset_tags
from catalog.db import new_id, utcnow
from catalog.groups.models import Group
from catalog.organizations.models import Membership, Organization
from catalog.search.analysis import MatchQuery
from tests.search_quality.corpus import _vary, _year_number
from tests.search_quality.topics import GROUPS, ORGANIZATIONS, PLACES, TOPICS, YEARS

LEVELS = ["open"] * 6 + ["internal"] * 3 + ["restricted"]
LICENSES = ["CC-BY-4.0", "PDL-1.0", "CC0-1.0", ""]
FREQUENCIES = ["monthly", "annual", "irregular", ""]


def build_catalog(app, count: int, batch: int = 5000) -> None:
    """Insert ``count`` datasets (with tags, a category and resources) in bulk."""
    from catalog import db

    session = db.session()
    organizations = {name: new_id() for name in ORGANIZATIONS}
    groups = {name: new_id() for name in GROUPS}
    session.execute(sa.insert(Organization), [
        {"id": oid, "name": name, "title": ORGANIZATIONS[name]} for name, oid in organizations.items()])
    session.execute(sa.insert(Group), [
        {"id": gid, "name": name, "title": GROUPS[name]} for name, gid in groups.items()])
    tags = {name: new_id() for name in sorted({t for topic in TOPICS for t in topic.tags})}
    session.execute(sa.insert(Tag), [{"id": tid, "name": name} for name, tid in tags.items()])
    rows, tag_rows, group_rows, resource_rows = [], [], [], []
    now = utcnow()
    for number in range(count):
        topic = random.choice(TOPICS)
        place, year = random.choice(PLACES), random.choice(YEARS)
        variant = random.randrange(5)
        dataset_id = new_id()
        title = _vary(topic.title.format(place=place, year=year), variant)
        rows.append({
            "id": dataset_id, "name": f"{topic.key}-{number}", "title": title,
            "notes": topic.notes.format(place=place, year=year) + (
                "\n\n" + topic.english if topic.english and variant in (0, 3) else ""),
            "owner_org_id": organizations[topic.org], "access_level": random.choice(LEVELS),
            "license_id": random.choice(LICENSES), "frequency": random.choice(FREQUENCIES),
            "created": now, "modified": now.replace(microsecond=number % 1_000_000),
            "extras": {"year": _year_number(year)},
        })
        tag_rows += [{"dataset_id": dataset_id, "tag_id": tags[t]} for t in topic.tags]
        group_rows.append({"dataset_id": dataset_id, "group_id": groups[topic.group]})
        resource_rows += [{"id": new_id(), "dataset_id": dataset_id, "position": position,
                           "url": f"https://example.jp/{number}.{fmt.lower()}", "format": fmt,
                           "name": f"{title}（{fmt}）"}
                          for position, fmt in enumerate(topic.formats)]
        if len(rows) >= batch or number == count - 1:
            session.execute(sa.insert(Dataset), rows)
            session.execute(sa.insert(dataset_tags), tag_rows)
            session.execute(sa.insert(dataset_groups), group_rows)
            session.execute(sa.insert(Resource), resource_rows)
            session.commit()
            rows, tag_rows, group_rows, resource_rows = [], [], [], []


def make_staff_user(app) -> str:
    """A staff member of one organization (so the policy has levels and an organization)."""
    from access_control.users import create_user
    from catalog import db

    session = db.session()
    name = "bench-staff"
    if session.scalar(sa.select(User).where(User.name == name)) is None:
        user = create_user(session, name, "bench-password", staff=True, email="bench@example.jp")
        organization = session.scalar(sa.select(Organization).where(Organization.name == "kanko"))
        session.add(Membership(organization=organization, user=user, capacity="member"))
        session.commit()
    return name


class LikeStore:
    """The baseline: every typed word a substring (LIKE) of the title or description."""

    def hits(self, _connection, _generation: int, match: MatchQuery, _enough) -> sa.Subquery:
        conditions = []
        for clause in match.clauses:
            pattern = "%" + clause.text.replace("%", "").replace("_", "") + "%"
            conditions.append(sa.or_(Dataset.title.like(pattern), Dataset.notes.like(pattern)))
        score = sa.case((Dataset.title.like("%" + match.clauses[0].text + "%"), 1.0), else_=0.0)
        return (sa.select(Dataset.id.label("dataset_id"), score.label("tier"))
                .where(*conditions).subquery("matches"))

    def create(self, *_args) -> None:
        """Nothing to create: LIKE reads the catalog tables."""
