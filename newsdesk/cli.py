"""``python build.py [build|serve|edit|check|new|schema|proof|next-change]``: the editor's
commands."""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click

from newsdesk import adapter, stage
from newsdesk.content.catalog import load_catalog
from newsdesk.content.errors import ContentError, ContentErrors
from newsdesk.content.models import MODELS
from newsdesk.content.scaffold import ScaffoldError, write_scaffold
from newsdesk.content.schema import schema_path, write_schemas
from newsdesk.content.taxonomy import load_taxonomy
from newsdesk.engine import pipeline
from newsdesk.engine.lock import one_build_at_a_time
from newsdesk.engine.writer import remove_unfinished
from newsdesk.newsletter.config import NewsletterConfigError, smtp_settings
from newsdesk.newsletter.editions import render_for_proof
from newsdesk.newsletter.proof import ProofError, proof_message, send
from newsdesk.outputs.schedule import next_change, scheduled
from newsdesk.settings import Settings
from newsdesk.site.plan import plan_site

CONFIG_HELP = "The site's configuration file."
TODAY_HELP = "Build date, YYYY-MM-DD or an ISO date-time (default: mkdocs.yml's, else now)."


class _EditorFormatter(logging.Formatter):
    """Content errors print bare (``path:line: message``) so editors can click them."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if (
            record.name == f"{adapter.log_name()}.plugins.newsdesk"
            or record.levelno < logging.WARNING
        ):
            return message
        return f"{record.levelname.lower()}: {message}"


def _setup_logging(level: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_EditorFormatter())
    logger = logging.getLogger(adapter.log_name())
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False


def _load(config_file: str, today: str | None):
    """The site's configuration, and Newsdesk's settings of it built on ``--today``."""
    try:
        adapter.check_versions()
    except adapter.UnsupportedVersion as exc:
        raise click.ClickException(str(exc)) from None
    from newsdesk.adapter import commands

    try:
        return commands.load(config_file, today)
    except commands.BuildStopped as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(str(exc)) from None


def _content_errors(exc: ContentErrors) -> click.ClickException:
    """Print every content error (``path:line: message``); raise what this returns."""
    for error in exc.errors:
        click.echo(str(error), err=True)
    return click.ClickException(exc.summary())


DEBUG = "--debug"
"""Anywhere on the command line: a failure nobody foresaw shows its traceback."""
UNFORESEEN = 2
"""The exit status of such a failure (1 is for problems in the content or settings)."""


def run() -> None:
    """The command line as a program (``build.py``, ``newsdesk``). Once a command has
    finished and said what it has to say, the process ends there, without freeing what it
    made object by object on the way out (a second, after a build of 10,000 items).

    A failure nobody foresaw is caught here, the one place for it, and told as one line:
    what broke, in which phase and at which file, exit status 2. A build that fails leaves
    the previous site as it was (it writes a new one beside it)."""
    debug = stage.tracebacks = DEBUG in sys.argv[1:]
    try:
        main(args=[arg for arg in sys.argv[1:] if arg != DEBUG])
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except Exception as exc:  # noqa: BLE001 - the one boundary for the unforeseen
        if debug:
            traceback.print_exc()
        print(stage.unforeseen(exc, DEBUG), file=sys.stderr)
        code = UNFORESEEN
    else:
        code = 0
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@click.group(invoke_without_command=True)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Newsdesk: build the site and newsletter editions from content/.

    With no command, builds the site (as ``build``).
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(build)


@main.command()
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True, help=CONFIG_HELP)
@click.option("--today", help=TODAY_HELP)
@click.option("-d", "--site-dir", help="Where to write the site (default: mkdocs.yml's site_dir).")
def build(config_file: str, today: str | None, site_dir: str | None) -> None:
    """Build the site into site/, writing only what changed; on any error the previous
    site stays as it was."""
    _setup_logging(logging.WARNING)
    config, project = _load(config_file, today)
    from newsdesk.adapter import commands

    project_dir = Path(config_file).resolve().parent
    target = Path(site_dir or commands.site_dir(config)).resolve()
    with one_build_at_a_time(project_dir, lambda message: click.echo(message, err=True)):
        remove_unfinished(target)  # left by a build that was killed: none runs now
        key = commands.inputs_key(config, project)
        if commands.unchanged(project, target, key):
            click.echo(f"{target} is up to date: nothing it is made of has changed")
            return
        try:
            commands.build(config, project, target)
        except commands.BuildStopped as exc:
            raise click.ClickException(str(exc)) from None
        commands.remember(project, target, key)
    click.echo(f"built {target}")


@main.command()
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True, help=CONFIG_HELP)
@click.option("--today", help=TODAY_HELP)
def check(config_file: str, today: str | None) -> None:
    """Validate all content and report every problem; write nothing."""
    _setup_logging(logging.WARNING)
    config, project = _load(config_file, today)
    settings = project.settings
    try:
        catalog = load_catalog(settings)
        pipeline.prepare(settings, project.mail_settings, catalog)  # the editions' gate too
    except ContentErrors as exc:
        raise _content_errors(exc) from None
    except NewsletterConfigError as exc:
        raise click.ClickException(str(exc)) from None
    published = sum(1 for _ in catalog.items())
    click.echo(
        f"content is valid: {published} published items, "
        f"{len(catalog.unpublished)} drafts or scheduled, {len(catalog.pages)} pages"
    )
    content = settings.display_prefix
    if due := scheduled(catalog):
        click.echo("scheduled, not on the site until then:")
        for item, moment in due:
            click.echo(f"  {_when(moment)}  {content}{item.src_uri}  “{item.title}”")
    if catalog.archived:
        click.echo("archived (past expires: the page stays, no listing, feed or search has it):")
        for item in catalog.archived.values():
            assert item.expires is not None
            moment = catalog.clock.moment(item.expires)
            click.echo(f"  {_when(moment)}  {content}{item.src_uri}  “{item.title}”")


def _previewing(command: Callable[..., None]) -> Callable[..., None]:
    """The options of the commands that preview: the configuration, the build date and the
    address to serve on."""
    for option in (
        click.option(
            "-a",
            "--dev-addr",
            default="127.0.0.1:8000",
            show_default=True,
            help="Address to serve the preview (and the editing screen) on.",
        ),
        click.option("--today", help=TODAY_HELP),
        click.option(
            "-f", "--config-file", default="mkdocs.yml", show_default=True, help=CONFIG_HELP
        ),
    ):
        command = option(command)
    return command


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


@main.command()
@_previewing
def serve(config_file: str, today: str | None, dev_addr: str) -> None:
    """Preview the site with live reload; the page refreshes when content or templates change."""
    _setup_logging(logging.INFO)
    _load(config_file, today)  # the versions, the configuration and the build date
    from newsdesk.adapter import commands

    try:
        commands.serve(config_file, dev_addr, today)
    except commands.BuildStopped as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@_previewing
def edit(config_file: str, today: str | None, dev_addr: str) -> None:
    """Edit in the browser: the preview, with the editing screen at /admin/.

    Decap CMS's local backend runs beside it and saves the forms into content/; the
    preview shows each save, or its mistakes, as it does an editor's.
    """
    _setup_logging(logging.INFO)
    config, project = _load(config_file, today)
    settings = project.settings
    assert settings.editor is not None
    from newsdesk.adapter import commands
    from newsdesk.editor.backend import BackendError, local_backend

    host, _, port = dev_addr.rpartition(":")
    try:
        with local_backend(settings.project_dir, settings.editor.local_port):
            click.echo(f"The editing screen: http://{host}:{port}/admin/", err=True)
            commands.serve(config_file, dev_addr, today)
    except (BackendError, commands.BuildStopped) as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.argument("collection")
@click.argument("title")
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True, help=CONFIG_HELP)
@click.option("--today", help=TODAY_HELP)
def new(collection: str, title: str, config_file: str, today: str | None) -> None:
    """Start a new item: writes content/COLLECTION/<slug>.md and prints its path.

    It is dated with the build date the site uses (--today, else mkdocs.yml's today, else
    the real date), so it shows on the next build once it is no longer a draft.
    """
    _setup_logging(logging.WARNING)
    settings = _load(config_file, today)[1].settings
    try:
        written = write_scaffold(settings, collection, title)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    _write_schemas(settings)  # what the file's first line points the editor's editor at
    click.echo(written)


@main.command()
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True, help=CONFIG_HELP)
def schema(config_file: str) -> None:
    """Write schemas/<collection>.json: each collection's fields for editors' editors.

    The YAML language server (VS Code, JetBrains, Neovim) reads them to complete fields
    and the taxonomy's values and to mark mistakes while typing. Every build writes them
    too; this writes them even while the content has errors.
    """
    _setup_logging(logging.WARNING)
    config, project = _load(config_file, None)
    settings = project.settings
    if errors := _write_schemas(settings):
        raise _content_errors(ContentErrors(errors))
    for collection in MODELS:
        click.echo(schema_path(collection))


def _write_schemas(settings: Settings) -> list[ContentError]:
    """Write the collections' schemas for the taxonomy as it is; its errors, if it has
    any, instead."""
    taxonomy, errors = load_taxonomy(settings.docs_dir, settings.display_prefix)
    if not errors:
        write_schemas(settings.project_dir, taxonomy)
    return errors


@main.command()
@click.argument("edition")
@click.option(
    "--to", "recipients", multiple=True, required=True, help="Address to send to (repeatable)."
)
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True, help=CONFIG_HELP)
@click.option("--today", help=TODAY_HELP)
def proof(edition: str, recipients: tuple[str, ...], config_file: str, today: str | None) -> None:
    """Send EDITION (its id, like 2020-03; drafts too) to test addresses over SMTP.

    The server comes from NEWSDESK_SMTP_HOST, _PORT, _USER and _TLS (starttls, ssl or none),
    else from mkdocs.yml's newsletter smtp options; the password only from
    NEWSDESK_SMTP_PASSWORD.
    """
    _setup_logging(logging.WARNING)
    config, project = _load(config_file, today)
    settings = project.settings
    try:
        catalog = load_catalog(settings)
        mail = project.mail_settings()
        page_urls = pipeline.page_urls(catalog, plan_site(catalog, settings))
        rendered = render_for_proof(catalog, settings, mail, page_urls, edition)
        smtp = smtp_settings(project.options.newsletter.smtp, os.environ)
        message = proof_message(rendered, recipients, mail, datetime.now(settings.clock.tz))
        send(message, smtp)
    except ContentErrors as exc:
        raise _content_errors(exc) from None
    except (NewsletterConfigError, ProofError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"sent a proof of {edition} to {', '.join(recipients)} via {smtp.host}:{smtp.port}")


@main.command("next-change")
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True, help=CONFIG_HELP)
@click.option("--today", help=TODAY_HELP)
@click.option(
    "--due",
    is_flag=True,
    help="Print nothing; exit 0 if the built site's next change (site/build.json) has come, "
    "1 if not: for a scheduler.",
)
def next_change_command(config_file: str, today: str | None, due: bool) -> None:
    """Print when the site next needs rebuilding, and why: the first moment after the build
    date at which an event starts or ends, a call opens, nears or passes a deadline, a
    scheduled or future-dated item goes live, or an item expires; and how many items are
    still to be published or archived."""
    _setup_logging(logging.WARNING)
    config, project = _load(config_file, today)
    if due:
        record = Path(config["site_dir"]) / "build.json"
        if not record.is_file():
            return  # never built: a build is due
        moment = json.loads(record.read_text(encoding="utf-8")).get("next_change")
        if moment is None or datetime.now(UTC) < datetime.fromisoformat(moment):
            sys.exit(1)
        return
    settings = project.settings
    try:
        catalog = load_catalog(settings)
    except ContentErrors as exc:
        raise _content_errors(exc) from None
    change = next_change(catalog, settings.closing_soon_days)
    if change is None:
        click.echo("none: nothing in the content changes state after the build date")
        return
    click.echo(change.moment.isoformat())
    for reason in change.details:
        click.echo(f"  {reason}")
    waiting = scheduled(catalog)
    expiring = sum(
        1 for item in (*catalog.listed(), *(i for i, _ in waiting)) if item.expires is not None
    )
    click.echo(
        f"later: {_count(len(waiting), 'item')} to be published, {_count(expiring, 'item')} "
        "to be archived"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


if __name__ == "__main__":  # pragma: no cover
    main()
