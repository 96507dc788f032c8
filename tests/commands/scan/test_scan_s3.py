"""`mailcheck scan s3://…`: mbox, Maildir and folder objects on a real S3-compatible server on 127.0.0.1 (moto).

Every record must equal the local scan of the same files, the URLs standing in for the paths.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from support.archives import maildir, mbox, mbox_entry, message, write
from support.messages import SAMPLES

from mailcheck.cli import cli
from mailcheck.commands.scan import remote
from mailcheck.commands.scan.sources import Item
from mailcheck.commands.scan.urls import is_url, parse_storage_options

NOW = "2026-11-20T00:00:00Z"
BUCKET = "archive"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials, and nothing that could send botocore anywhere but 127.0.0.1."""
    for name in [n for n in os.environ if n.startswith(("AWS_", "FSSPEC_")) or n.lower().endswith("_proxy")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask 169.254.169.254 for credentials
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tree uploaded to the bucket: a folder of samples, an mbox and a Maildir."""
    root = tmp_path_factory.mktemp("local")
    samples = sorted(p for p in SAMPLES.iterdir() if p.is_file())  # README.md too: skipped as no message
    for sample in samples:
        write(root / "folder" / sample.name, sample.read_bytes())
    # "nested" sorts before "nested.eml" at its level, though "nested.eml" < "nested/…" as whole keys.
    write(root / "folder" / "nested" / "one.eml", message(1))
    write(root / "folder" / "nested.eml", message(2))
    write(root / "folder" / "empty.eml", b"")
    emls = [p for p in samples if p.suffix == ".eml"]
    write(root / "all.mbox", mbox([mbox_entry(p.read_bytes()) for p in emls] + [mbox_entry(message(3))]))
    maildir(root / "maildir", cur={"1:2,S": emls[0].read_bytes(), ".hidden": message(4)},
            new={"2": emls[1].read_bytes(), "3": message(5)}, tmp={"4": message(6)})
    write(root / "maildir" / ".Sent" / "cur" / "5:2,S", message(7))  # a Maildir++ folder: walked too
    return root


@pytest.fixture(scope="module")
def bucket(endpoint: str, local: Path) -> str:
    import s3fs

    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # module scope: the autouse monkeypatch has not run yet
    try:
        fs = s3fs.S3FileSystem(endpoint_url=endpoint, skip_instance_cache=True)
        fs.mkdir(BUCKET)
        fs.pipe({f"{BUCKET}/{p.relative_to(local).as_posix()}": p.read_bytes()
                 for p in sorted(local.rglob("*")) if p.is_file()})
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return f"s3://{BUCKET}"


def scan(*args: str) -> Result:
    return CliRunner().invoke(cli, ["scan", "--offline", "--now", NOW, "--jobs", "1", "--format", "jsonl", *args])


def records(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code in (0, 1), result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def as_urls(found: list[dict[str, Any]], local: str, url: str) -> list[dict[str, Any]]:
    """Local records with the URL in place of the local path (source and position only)."""
    out = []
    for record in found:
        record = dict(record)
        record["source"] = record["source"].replace(local, url, 1)
        record["position"] = {k: v.replace(local, url, 1) if k in ("source", "path") else v
                              for k, v in record["position"].items()}
        out.append(record)
    return out


@pytest.mark.parametrize("name", ["folder", "all.mbox", "maildir"])
def test_records_equal_the_local_scan(bucket: str, endpoint: str, local: Path, name: str) -> None:
    url = f"{bucket}/{name}"
    expected = as_urls(records(scan(str(local / name))), str(local / name), url)
    found = records(scan("--storage-option", f"endpoint_url={endpoint}", url))
    assert len(found) >= 3
    assert found == expected


def test_an_mbox_is_read_in_ranges_across_line_ends(bucket: str, endpoint: str, local: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests far smaller than a message split lines and messages at every place, and change nothing."""
    sizes: list[int] = []
    read = remote._Lines._fill

    def counted(self: remote._Lines) -> bool:
        sizes.append(len(self.buf) - self.pos)
        return read(self)

    monkeypatch.setattr(remote, "_RANGE", 997)
    monkeypatch.setattr(remote._Lines, "_fill", counted)
    url = f"{bucket}/all.mbox"
    expected = as_urls(records(scan(str(local / "all.mbox"))), str(local / "all.mbox"), url)
    assert records(scan("--storage-option", f"endpoint_url={endpoint}", url)) == expected
    assert len(sizes) > (local / "all.mbox").stat().st_size // 997  # many small requests, not one


def test_the_endpoint_can_come_from_the_environment(bucket: str, endpoint: str, local: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)  # botocore's own variable
    found = records(scan(f"{bucket}/maildir/"))
    assert [r["position"]["path"] for r in found] == [f"{bucket}/maildir/cur/1:2,S", f"{bucket}/maildir/new/2",
                                                      f"{bucket}/maildir/new/3", f"{bucket}/maildir/.Sent/cur/5:2,S"]


def test_file_urls_read_like_local_paths(local: Path) -> None:
    url = (local / "folder").as_uri()
    expected = as_urls(records(scan(str(local / "folder"))), str(local / "folder"), url)
    assert records(scan(url)) == expected


@pytest.mark.parametrize(("target", "options", "why"), [
    ("s3://no-such-bucket/x.mbox", {}, "no such object, folder or bucket"),
    (f"s3://{BUCKET}/no-such.mbox", {}, "no such object, folder or bucket"),
    (f"s3://{BUCKET}/all.mbox", {"AWS_ACCESS_KEY_ID": None}, "no credentials"),
    ("nosuch://x/y", {}, "no fsspec filesystem reads 'nosuch://' URLs"),
])
def test_a_url_that_cannot_be_opened_is_one_line_and_exit_2(bucket: str, endpoint: str, target: str,
                                                            options: dict[str, str | None], why: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for name in options:
        monkeypatch.delenv(name)
    result = scan("--storage-option", f"endpoint_url={endpoint}", "--storage-option", "skip_instance_cache=true",
                  target)
    assert result.exit_code == 2
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and f"cannot read {target}: {why}" in error[0], result.output


def test_a_refused_connection_is_exit_2() -> None:
    closed = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    result = scan("--storage-option", f"endpoint_url={closed}",
                  "--storage-option", "config_kwargs.retries.max_attempts=1", f"s3://{BUCKET}/all.mbox")
    assert result.exit_code == 2
    assert "cannot connect" in result.output, result.output


def test_storage_options_parse_and_urls_are_told_from_paths() -> None:
    assert parse_storage_options(("endpoint_url=http://127.0.0.1:9000", "anon=true", "client_kwargs.region_name=x",
                                  "max_concurrency=4")) == {
        "endpoint_url": "http://127.0.0.1:9000", "anon": True, "client_kwargs": {"region_name": "x"},
        "max_concurrency": 4}
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_storage_options(("endpoint_url",))
    assert is_url("s3://b/k") and is_url("file:///tmp") and not is_url("C://x") and not is_url("/tmp/s3://x")


def test_a_local_scan_does_not_import_fsspec(local: Path) -> None:
    code = ("import sys\nfrom click.testing import CliRunner\nfrom mailcheck.cli import cli\n"
            f"r = CliRunner().invoke(cli, ['scan', '--offline', '--jobs', '1', {str(local / 'all.mbox')!r}])\n"
            "assert r.exit_code in (0, 1), r.output\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fsspec', 's3fs', 'botocore')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stderr


# -- the Dask engine over URLs: the client lists, the workers read ---------------------------------


class _Inline:
    """A Dask future stand-in for planning tests: the task already ran."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def _fields(found: list[Item]) -> list[tuple[Any, ...]]:
    return [(i.source, i.index, i.path, i.offset, i.name, i.data, i.error, i.skipped) for i in found]


@pytest.mark.parametrize(("name", "every"), [("all.mbox", 997), ("all.mbox", 40_000), ("folder", 300),
                                             ("folder", 1 << 20), ("maildir", 100)])
def test_dask_units_of_a_url_read_every_record_as_the_stream_does(bucket: str, endpoint: str, name: str,
                                                                  every: int) -> None:
    """Ranges of objects (cut anywhere, counted and read through fsspec) and object lists give the records,
    numbers and offsets remote.items gives; the client only lists and measures."""
    from mailcheck.commands.scan.dask_engine import DaskScanner
    from mailcheck.commands.scan.worker import Job
    from mailcheck.commands.settings import Settings

    storage: dict[str, Any] = {"endpoint_url": endpoint}
    url = f"{bucket}/{name}"
    scanner = DaskScanner(Job(Settings(offline=True), lines=True), 2, chunk=2, storage=storage)
    scanner._submit = lambda func, *args: _Inline(func(*args))  # type: ignore[method-assign]
    tasks = list(scanner._counted(scanner._units([url], every), 3))
    found = [item for task, _ in tasks for item in task.items()]
    assert _fields(found) == _fields(list(remote.items(url, storage)))
    assert sum(produced for _, produced in tasks) == len(found)
    if name == "all.mbox" and every < 1000:
        assert len(tasks) > 3  # cut into several slices


def test_the_dask_engine_scans_urls_as_the_pool_does(bucket: str, endpoint: str) -> None:
    """A real LocalCluster (two worker processes) reading the bucket: the pool's records, byte for byte."""
    urls = [f"{bucket}/folder", f"{bucket}/all.mbox", f"{bucket}/maildir/"]
    option = ["--storage-option", f"endpoint_url={endpoint}"]
    pool = scan(*option, *urls)
    dask = scan("--engine", "dask", "--jobs", "2", "--chunk", "3", *option, *urls)
    assert dask.exit_code == pool.exit_code, dask.output
    assert len(records(pool)) > 10
    assert [line for line in dask.stdout.splitlines() if line.startswith("{")] == \
        [line for line in pool.stdout.splitlines() if line.startswith("{")]


def test_the_dask_engine_refuses_imap(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", "--engine", "dask", "imaps://me@127.0.0.1/INBOX"])
    assert result.exit_code == 2 and "does not read IMAP" in result.output, result.output
