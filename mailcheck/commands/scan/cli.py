"""`mailcheck scan PATH...`: mbox files, Maildirs and folders → a summary and one JSON record per message.

Where output goes:
- the default format, `summary`: the summary tables on stdout (in colour on a terminal, plain text
  otherwise);
- `--format jsonl`: one JSON object per message on stdout (or in `--output FILE`), the object
  `mailcheck FILE --format json` prints plus "position" (with --fields, the parts of it chosen: see
  reporters/record_shape.py); the summary then goes to stderr (to stdout when the records go to a
  file), so a pipeline reading the records sees nothing else;
- `--summary-format markdown|html` alone writes that document where the summary tables would go;
  `--summary-file FILE` also writes the summary to FILE (the console keeps its tables), in
  --summary-format or by FILE's suffix (.md, .html; else text). Both list the forged messages with
  their positions (the first 10,000; the rest are counted);
- the progress bar (messages, msg/s, and an ETA estimated from bytes read when the input's size is
  known) is drawn on stderr, only when stderr is a terminal and the records are not being written
  to that same terminal; --progress/--no-progress overrides.

Exit status: 0 nothing forged, 1 some message forged, 2 usage error or an unreadable PATH,
130 interrupted by Ctrl-C (the partial summary is still printed), 141 when the reader of stdout
went away (a closed pipe). Messages that could not be read or analysed are listed in the summary
and written as records with an "error" key; they do not change the exit status.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from mailcheck.commands.common import EXIT_CLEAN, EXIT_FORGED, analysis_options, checked_option, settings_from
from mailcheck.commands.options_table import MESSAGE_TIMEOUT
from mailcheck.commands.scan.urls import is_imap_url, is_url, parse_storage_options
from mailcheck.value_types import NamedTuple

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from mailcheck.commands.scan.dask_engine import DaskScanner
    from mailcheck.commands.scan.engine import Scanner
    from mailcheck.commands.scan.sources import Item
    from mailcheck.commands.scan.tally import Tally
    from mailcheck.reporters.record_shape import Shape

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a process stopped by Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


class _PathOrURL(click.Path):
    """A local PATH that must exist, or a URL (checked when the scan starts, with its storage options)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return value if isinstance(value, str) and is_url(value) else super().convert(value, param, ctx)


def _check_readable(path: str, storage: dict[str, Any]) -> None:
    """An unreadable PATH is a usage error (exit 2); an unreadable file inside a folder is not."""
    if is_imap_url(path):  # imap[s]://: logs in and opens the mailbox now
        from mailcheck.commands.scan import imap_source

        if (why := imap_source.check(path)) is not None:
            raise click.BadParameter(why, param_hint="PATH")  # why never holds the URL's password
        return
    if is_url(path):
        from mailcheck.commands.scan import remote

        if (why := remote.check(path, storage)) is not None:
            raise click.BadParameter(f"cannot read {path}: {why}", param_hint="PATH")
        return
    try:
        if os.path.isdir(path):
            with os.scandir(path):
                pass
        elif os.path.isfile(path):  # not "-" or a named pipe: opening one would wait for a writer
            with open(path, "rb"):
                pass
    except OSError as exc:
        raise click.BadParameter(f"cannot read {path}: {exc.strerror or exc}", param_hint="PATH") from exc


def _all_items(paths: tuple[str, ...], storage: dict[str, Any]) -> Iterator[Item]:
    from mailcheck.commands.scan.sources import items

    for path in paths:
        if is_imap_url(path):
            from mailcheck.commands.scan import imap_source

            yield from imap_source.items(path)
        elif is_url(path):
            from mailcheck.commands.scan import remote

            yield from remote.items(path, storage)
        else:
            yield from items(path)


def _console(stream: TextIO) -> Console:
    from rich.console import Console

    terminal = stream.isatty()
    # Off a terminal rich would wrap tables at 80 columns; plain text readers get room.
    return Console(file=stream, highlight=False, width=None if terminal else 120, soft_wrap=False)


def _progress(console: Console, total: int | None) -> tuple[Progress, TaskID]:
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns: list[Any] = [SpinnerColumn(), TextColumn("{task.fields[messages]:,} messages"),
                          TextColumn("{task.fields[rate]:,.0f} msg/s"), TimeElapsedColumn()]
    if total is not None:
        columns[3:3] = [BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn()]
    progress = Progress(*columns, console=console, transient=True)
    task = progress.add_task("scan", total=total, messages=0, rate=0.0)
    return progress, task


@click.command("scan")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...",
                type=_PathOrURL(exists=True, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["summary", "jsonl"]), default=None,
              help="summary (default): tables at the end; jsonl: one JSON record per message.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON records to this file (implies --format jsonl).")
@click.option("--fields", "fields_spec", metavar="LIST",
              help="The parts of each JSON record to write: full (default: the whole record), compact (tool, settings "
                   "and each field's basis), minimal, or a comma-separated list of presets and parts: tool, settings, "
                   "hops, boundary, continuum, fields.value, fields.basis, fields.check, fields.evidence "
                   "(e.g. compact,hops). Whatever is chosen, a record keeps source, verdict, verdict_reason, errors, "
                   "position, every field's name and label and every forged field whole, and says what it left out "
                   "in \"omitted\".")
@click.option("--summary-format", type=click.Choice(["text", "markdown", "html"]), default=None,
              help="The summary as text (default), Markdown (for a ticket) or one self-contained HTML page; "
                   "with --summary-file, the format of that file (default: from its suffix, .md or .html).")
@click.option("--summary-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the summary, listing every forged message with its position, to this file.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of cores).")
@click.option("--progress/--no-progress", "show_progress", default=None,
              help="Progress bar on stderr (default: when stderr is a terminal).")
@checked_option(MESSAGE_TIMEOUT)
@click.option("--chunk", type=click.IntRange(min=1), default=None, hidden=True,
              help="Messages per unit of work sent to a worker (tuning and tests).")
@click.option("--engine", type=click.Choice(["pool", "dask"]), default="pool", show_default=True,
              help="pool: worker processes on this machine; dask: a Dask cluster (the 'dask' extra), "
                   "--scheduler's or a local one with --jobs workers.")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --engine dask: the scheduler of an existing cluster (tcp://host:8786).")
@click.option("--unordered", is_flag=True,
              help="With --engine dask: write records as they finish, not in input order.")
@click.option("--storage-option", "storage_pairs", multiple=True, metavar="KEY=VALUE",
              help="For PATHs that are URLs (s3://bucket/archive.mbox, the 'remote' extra): an fsspec option, "
                   "e.g. endpoint_url=http://127.0.0.1:9000 or anon=true; repeatable.")
@click.option("--allow-probes", is_flag=True,
              help="Needed with --probe: a scan may name thousands of third-party servers, so probing "
                   "them takes this second, deliberate flag.")
@analysis_options
def scan_command(paths: tuple[str, ...], fmt: str | None, output: Path | None, summary_format: str | None,
                 summary_file: Path | None, fields_spec: str | None, jobs: int | None, show_progress: bool | None,
                 message_timeout: float, chunk: int | None, engine: str, scheduler: str | None, unordered: bool,
                 storage_pairs: tuple[str, ...], allow_probes: bool, **params: Any) -> None:
    """Scan mbox files, Maildirs and folders of messages ('-': an mbox on stdin; s3://bucket/key, file:///path
    or another fsspec URL: the same, read remotely, with the 'remote' extra; imaps://user@host/INBOX: an IMAP
    mailbox, read-only, the password from $MAILCHECK_IMAP_PASSWORD or ~/.netrc).

    Prints a summary: verdicts, labels by field, the most frequent forged findings and the messages
    that could not be read. --format jsonl writes one JSON record per message instead (the object
    `mailcheck FILE --format json` prints, plus its "position" in the archive); --fields compact writes about
    a sixth of it (each field's name, label and basis, forged fields whole). --summary-file also
    writes the summary to a file (text, Markdown or HTML), naming every forged message and its position.
    Exit status: 0 nothing forged, 1 something forged, 2 usage error, 130 interrupted.
    """
    from mailcheck.commands.scan.engine import DEFAULT_CHUNK, Scanner, default_jobs
    from mailcheck.commands.scan.worker import Job

    settings = settings_from(params)
    if settings.probes and not allow_probes:
        raise click.UsageError("--probe in a scan contacts the sender's server of every message's domain: "
                               "add --allow-probes to mean it")
    fmt = fmt or ("jsonl" if output is not None else "summary")
    if fmt == "summary" and output is not None:
        raise click.UsageError("--output writes JSON records: use it with --format jsonl")
    if paths.count("-") > 1:
        raise click.UsageError("'-' (stdin) can be given only once")
    try:
        storage = parse_storage_options(storage_pairs)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--storage-option") from exc
    if engine == "dask" and any(is_imap_url(path) for path in paths):
        raise click.UsageError("--engine dask does not read IMAP mailboxes: one server session serves them in "
                               "order; scan them with the built-in engine")
    for path in paths:
        _check_readable(path, storage)
    job = Job(settings, lines=fmt == "jsonl", message_timeout=message_timeout or None,
              shape=_shape(fields_spec, fmt))
    if engine != "dask" and (scheduler is not None or unordered):
        raise click.UsageError("--scheduler and --unordered go with --engine dask")
    try:
        # Raises ValueError for a bad --resolver, --dns-replay or --dns-record: exit 2 before any work.
        if engine == "dask":
            from mailcheck.commands.scan.dask_engine import dask_scanner

            scanner: Scanner | DaskScanner = dask_scanner(job, paths, jobs or default_jobs(), scheduler,
                                                          unordered, chunk, storage)
        else:
            scanner = Scanner(job, jobs or default_jobs(), chunk or DEFAULT_CHUNK)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc

    records_to_stdout = fmt == "jsonl" and output is None
    if output is not None:
        try:
            out: TextIO | None = output.open("w", encoding="utf-8")
        except OSError as exc:
            raise click.BadParameter(f"cannot write {output}: {exc.strerror or exc}",
                                     param_hint="--output") from exc
    else:
        out = sys.stdout if records_to_stdout else None
    if show_progress is None:
        show_progress = sys.stderr.isatty() and not (records_to_stdout and sys.stdout.isatty())
    summary_console = _console(sys.stderr if records_to_stdout else sys.stdout)
    sink = _summary_sink(summary_format, summary_file, output)
    sys.exit(_run(scanner, paths, out, show_progress, summary_console, sink, storage))


def _shape(spec: str | None, fmt: str) -> Shape | None:
    if spec is None:
        return None
    if fmt != "jsonl":
        raise click.UsageError("--fields shapes the JSON records: use it with --format jsonl or --output")
    from mailcheck.reporters.record_shape import parse_fields

    try:
        return parse_fields(spec)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fields") from exc


def _summary_sink(fmt: str | None, path: Path | None, output: Path | None) -> SummarySink:
    """Where the summary goes besides (or, for --summary-format markdown/html without a file, instead of)
    the console's text tables. The file is opened now, so that an unwritable one is a usage error (exit 2)."""
    if path is None:
        return SummarySink(fmt or "text", None)
    if output is not None and os.path.abspath(path) == os.path.abspath(output):
        raise click.UsageError("--summary-file and --output name the same file")
    suffix = path.suffix.lower()
    fmt = fmt or ("html" if suffix in (".html", ".htm") else "markdown" if suffix in (".md", ".markdown") else "text")
    try:
        return SummarySink("text", (fmt, path.open("w", encoding="utf-8")))
    except OSError as exc:
        raise click.BadParameter(f"cannot write {path}: {exc.strerror or exc}", param_hint="--summary-file") from exc


class SummarySink(NamedTuple):
    console_format: str  # the summary on the console: text tables, or a Markdown/HTML document
    file: tuple[str, TextIO] | None  # (format, open file) for --summary-file


def _print_summary(tally: Tally, sink: SummarySink, console: Console, dns_counts: dict[str, int]) -> None:
    from mailcheck.reporters import summary_docs
    from mailcheck.reporters.summary import print_summary

    if sink.console_format == "text":
        print_summary(tally, console, dns_counts)
    else:
        console.file.write(summary_docs.render(tally, sink.console_format, dns_counts))
        console.file.flush()
    if sink.file is not None:
        fmt, handle = sink.file
        with handle:
            handle.write(summary_docs.render(tally, fmt, dns_counts))


def _run(scanner: Scanner | DaskScanner, paths: tuple[str, ...], out: TextIO | None, show_progress: bool,
         summary_console: Console, sink: SummarySink, storage: dict[str, Any]) -> int:
    from contextlib import nullcontext

    from mailcheck.commands.scan.engine import Scanner
    from mailcheck.commands.scan.sources import total_bytes
    from mailcheck.commands.scan.tally import Tally
    from mailcheck.lookup.honesty import warning_text

    tally = Tally()
    progress = task = None
    if show_progress:
        progress, task = _progress(_console(sys.stderr), total_bytes(paths))
    interrupted = False
    clean = True
    try:
        with progress if progress is not None else nullcontext():
            pending = 0
            stream = (scanner.run(_all_items(paths, storage)) if isinstance(scanner, Scanner)
                      else scanner.run_paths(paths))
            for outcome in stream:
                tally.add(outcome)
                if out is not None and outcome.line is not None:
                    out.write(outcome.line + "\n")
                if progress is not None and task is not None:
                    pending += outcome.size
                    if tally.records % 16 == 0 or outcome.status == "skipped":
                        progress.update(task, advance=pending, messages=tally.records, rate=tally.rate)
                        pending = 0
        scanner.close()
    except KeyboardInterrupt:
        interrupted = True
        clean = scanner.abort()
    except BrokenPipeError:
        scanner.abort()
        # The reader is gone: nothing more can be written to stdout, not even at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except BaseException:
        scanner.abort()  # --debug re-raising a check's exception, or a bug: no worker left behind
        raise
    finally:
        if out is not None and out is not sys.stdout:
            out.close()
        elif out is not None:
            out.flush()
    tally.finish(interrupted)
    _print_summary(tally, sink, summary_console, scanner.dns_counts)
    if scanner.resolver is not None and (warning := warning_text(scanner.resolver)):
        print(f"mailcheck: {warning}", file=sys.stderr)  # once per run, whatever the workers found
    if interrupted:
        if not clean:
            # A worker had to be killed: the executor's threads may wait for it forever at exit.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)
        return EXIT_INTERRUPTED
    return EXIT_FORGED if tally.any_forged else EXIT_CLEAN
