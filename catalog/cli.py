"""The ``catalog`` command: set-up, demo data, serving and administration."""

from __future__ import annotations

import click
from flask import Flask

from catalog import create_app


class AppContextGroup(click.Group):
    """Runs every sub-command inside an app context of a freshly built app."""

    def invoke(self, ctx: click.Context):
        if ctx.obj is None:
            ctx.obj = create_app()
        with ctx.obj.app_context():
            return super().invoke(ctx)


@click.group(cls=AppContextGroup)
def main() -> None:
    """Fukuoka Prefecture data catalog."""


def _app() -> Flask:
    return click.get_current_context().find_root().obj


@main.command()
def init() -> None:
    """Create the database, or upgrade it to the current schema."""
    from catalog.migrate import current_revision, upgrade
    from catalog.search.upkeep import rebuild

    database_url = _app().config["SETTINGS"].database_url
    before = current_revision(database_url)
    upgrade(database_url)
    if before is not None and current_revision(database_url) != before:
        # A new release may lay out the search index differently (its tables or the
        # Elasticsearch mapping are not Alembic's): build it anew, swapped in at the end.
        click.echo(f"search index rebuilt: {rebuild()} datasets")
    click.echo("database ready")


@main.command()
def demo() -> None:
    """Load the demo catalog (safe to run again: nothing is duplicated)."""
    from catalog.demo import load_demo

    summary = load_demo()
    click.echo(summary)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the site with waitress."""
    import waitress

    click.echo(f"serving on http://{host}:{port}")
    waitress.serve(_app(), host=host, port=port, threads=threads)


@main.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run background jobs from the RQ queue (needs CATALOG_REDIS_URL)."""
    from catalog.jobs.worker import work

    try:
        work(_app(), burst=burst)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None


@main.group()
def user() -> None:
    """Users."""


@user.command("add")
@click.argument("name")
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--email", default="")
@click.option("--fullname", default="")
@click.option("--sysadmin", is_flag=True)
@click.option("--public", is_flag=True, help="A public account, not staff.")
def user_add(name, password, email, fullname, sysadmin, public) -> None:
    """Create a user (staff unless --public)."""
    from access_control.users import create_user
    from catalog import db

    create_user(db.session(), name, password, email=email, fullname=fullname,
                sysadmin=sysadmin, staff=not public)
    db.session().commit()
    click.echo(f"user {name} created")


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.argument("username")
@click.option("--name", "label", default="cli", help="What the token is for.")
def token_create(username: str, label: str) -> None:
    """Create an API token for USERNAME and print it (shown only once)."""
    from access_control.tokens import create_token
    from catalog import db
    from access_control.users import find_user

    found = find_user(db.session(), username)
    if found is None:
        raise click.ClickException(f"no such user: {username}")
    _token, secret = create_token(db.session(), found, label)
    db.session().commit()
    click.echo(secret)


@main.group()
def org() -> None:
    """Organizations."""


@org.command("add")
@click.argument("name")
@click.option("--title", default="")
@click.option("--parent", default=None, help="Name of the parent department.")
def org_add(name: str, title: str, parent: str | None) -> None:
    """Create an organization."""
    from catalog import db
    from catalog.organizations.models import Organization
    from catalog.organizations.services import apply_organization

    organization = Organization()
    apply_organization(db.session(), organization, {"name": name, "title": title,
                                                    "parent": parent}, partial=False)
    db.session().add(organization)
    db.session().commit()
    click.echo(f"organization {organization.name} created")


@main.group()
def member() -> None:
    """Organization members."""


@member.command("add")
@click.argument("organization")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "editor", "member"]), default="member",
              show_default=True)
def member_add(organization: str, username: str, role: str) -> None:
    """Give USERNAME a ROLE in ORGANIZATION."""
    from catalog import db
    from access_control.users import find_user
    from catalog.organizations.services import find_organization, set_member

    found_org = find_organization(db.session(), organization)
    found_user = find_user(db.session(), username)
    if found_org is None or found_user is None:
        raise click.ClickException("no such organization or user")
    set_member(db.session(), found_org, found_user, role)
    db.session().commit()
    click.echo(f"{username} is {role} of {organization}")


@main.group()
def search() -> None:
    """The search index."""


@search.command("reindex")
def search_reindex() -> None:
    """Queue every dataset for indexing and index them now (in place)."""
    import sqlalchemy as sa

    from catalog import db
    from catalog.datasets.models import Dataset
    from catalog.search import mark_stale, process_outbox

    dataset_ids = list(db.session().scalars(sa.select(Dataset.id)))
    for dataset_id in dataset_ids:
        mark_stale(db.session(), dataset_id)
    db.session().commit()  # the outbox is drained right after the commit
    process_outbox()  # and again, in case another process left entries behind
    click.echo(f"indexed {len(dataset_ids)} datasets")


@search.command("rebuild")
@click.option("--batch-size", default=500, show_default=True, type=int)
def search_rebuild(batch_size: int) -> None:
    """Build a new index of every dataset beside the current one, then swap it in.
    Searches keep working (on the current index) while it runs."""
    from catalog.search.upkeep import rebuild

    count = rebuild(batch_size, progress=lambda done: click.echo(f"  {done} datasets", err=True))
    click.echo(f"rebuilt the index: {count} datasets")


@search.command("drain")
def search_drain() -> None:
    """Index the datasets still waiting in the outbox (left by a process that stopped
    before indexing them)."""
    from catalog.search import process_outbox

    click.echo(f"indexed {process_outbox()} pending entries")


from harvesters.cli import harvest  # noqa: E402 - the harvest commands join the main group

main.add_command(harvest)
