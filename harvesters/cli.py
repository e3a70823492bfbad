"""``catalog harvest ...``: run a source now, run what is due (for cron), list sources."""

from __future__ import annotations

import time

import click

from catalog import db as database


@click.group()
def harvest() -> None:
    """Harvest sources and jobs."""


@harvest.command("run")
@click.argument("source")
@click.option("--dry-run", is_flag=True, help="Report what would change, change nothing.")
def run(source: str, dry_run: bool) -> None:
    """Harvest SOURCE (name or id) now and print the job's result."""
    from access_control.principals import system_principal
    from catalog.api.context import Context
    from catalog.api.errors import ValidationError
    from flask import current_app
    from harvesters import services
    from harvesters.models import HarvestJob
    from harvesters.runner import run_job, source_of

    db = database.session()
    found = source_of(db, source)
    if found is None:
        raise click.ClickException(f"no such harvest source: {source}")
    context = Context(db=db, principal=system_principal(db),
                      settings=current_app.config["SETTINGS"])
    try:
        job = services.create_job(context, found, dry_run=dry_run)
    except ValidationError as error:
        raise click.ClickException("; ".join(" ".join(map(str, v))
                                             for v in error.errors.values()))
    db.commit()
    status = run_job(job.id)
    db.expire_all()
    job = db.get(HarvestJob, job.id)
    click.echo(f"job {job.id}: {status}")
    if job.stats:
        click.echo(", ".join(f"{key} {value}" for key, value in sorted(job.stats.items())))
    if job.reason:
        click.echo(job.reason)
    if status != "Finished":
        raise SystemExit(1)


@harvest.command("run-due")
def run_due_command() -> None:
    """Recover dead jobs, queue due sources, run New jobs (call from cron every minute)."""
    from harvesters.scheduling import run_due

    summary = run_due()
    click.echo(f"recovered {summary.recovered}, queued {len(summary.created)}, "
               f"ran {len(summary.ran)}, sent to workers {len(summary.sent)}")
    for job_id, status in summary.ran.items():
        click.echo(f"job {job_id}: {status}")


@harvest.command("scheduler")
@click.option("--interval", default=60, show_default=True, type=int,
              help="Seconds between two looks for due work.")
@click.option("--once", is_flag=True, help="Look once and stop.")
def scheduler(interval: int, once: bool) -> None:
    """Run due harvests forever (for hosts without cron). With CATALOG_REDIS_URL the
    harvests are queued for the ``catalog worker`` processes instead of run here."""
    from harvesters.scheduling import run_due

    while True:
        run_due()
        if once:
            return
        time.sleep(interval)


@harvest.command("sources")
def sources() -> None:
    """List harvest sources."""
    import sqlalchemy as sa

    from harvesters.models import HarvestSource

    for source in database.session().scalars(
            sa.select(HarvestSource).order_by(HarvestSource.name)):
        state = "" if source.active and source.state == "active" else " (inactive)"
        click.echo(f"{source.name}\t{source.source_type}\t{source.frequency}\t"
                   f"{source.title}{state}")
