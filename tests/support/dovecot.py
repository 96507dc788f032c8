"""A real Dovecot IMAP server on 127.0.0.1 for the IMAP source tests, started by the test as its own instance.

No system service is used or touched: `dovecot -F -c CONFIG` runs in the foreground with a configuration,
runtime directory, log and Maildir all in one temporary directory, a passwd-file with one user, plain
IMAP (ssl = no) on a free port.

Running as root (CI): Dovecot refuses to run its login processes as root and to serve mail as uid 0,
so both run as `nobody` (login processes chroot into the runtime directory, mail processes need to
reach the Maildir: the temporary directory is made traversable and the Maildir is given to nobody).
As another user, everything runs as that user, without chroot (which needs root).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

HOST = "127.0.0.1"
USER = "alice"
PASSWORD = "correct horse battery staple"
MAILBOX = "INBOX"


def need_dovecot() -> str:
    path = shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if os.path.exists(p)), None)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("dovecot is not installed: .ci/run must `apt-get install -y dovecot-imapd`")
    pytest.skip("dovecot is not installed (apt-get install dovecot-imapd); CI installs it and runs this test")


@dataclass
class Dovecot:
    port: int
    maildir: Path  # the user's Maildir (cur/new/tmp)
    log: Path

    def url(self, mailbox: str = MAILBOX) -> str:
        return f"imap://{USER}@{HOST}:{self.port}/{mailbox}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _config(root: Path, port: int, dovecot_user: str, dovecot_group: str, as_root: bool) -> str:
    uid = pwd.getpwnam(dovecot_user).pw_uid
    gid = grp.getgrnam(dovecot_group).gr_gid
    # chroot needs root; without it the login processes use the runtime directory by its full path.
    no_chroot = "" if as_root else "service imap-login {\n  chroot =\n}\nservice anvil {\n  chroot =\n}\n"
    return f"""\
listen = {HOST}
protocols = imap
ssl = no
auth_mechanisms = plain
disable_plaintext_auth = no
# A failed login is answered at once (the tests make one on purpose); the IP's penalty still delays the
# next logins, so that test runs last.
auth_failure_delay = 0
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
default_internal_user = {pwd.getpwuid(os.getuid()).pw_name}
default_internal_group = {grp.getgrgid(os.getgid()).gr_name}
default_login_user = {dovecot_user}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u:INDEX=MEMORY
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{no_chroot}"""


def _wait_ready(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"dovecot did not greet on port {port}: {log.read_text() if log.exists() else ''}")


@contextmanager
def dovecot(messages: list[bytes], folders: dict[str, list[bytes]] | None = None) -> Iterator[Dovecot]:
    """A running Dovecot whose user's INBOX holds `messages` (bytes as they are: IMAP serves CRLF,
    so give CRLF messages to have the server return each file's exact bytes). `folders`: more mailboxes,
    keyed by their Maildir++ directory name as Dovecot stores it (".Name", modified UTF-7 written out)."""
    binary = need_dovecot()
    as_root = os.getuid() == 0
    root = Path(tempfile.mkdtemp(prefix="mailcheck-dovecot-"))
    process = None
    try:
        user, group = ("nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name) if as_root else (
            pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name)
        root.chmod(0o755)  # as root: the mail processes (nobody) must reach the Maildir
        maildir = root / "mail" / USER
        for sub in ("cur", "new", "tmp"):
            (maildir / sub).mkdir(parents=True)
        for number, data in enumerate(messages, 1):
            # In cur/ with an empty flag list: the server files nothing anew, and no message starts \Seen.
            (maildir / "cur" / f"{1700000000 + number}.M{number}P1.mailcheck-test:2,").write_bytes(data)
        for directory, contents in (folders or {}).items():
            for sub in ("cur", "new", "tmp"):
                (maildir / directory / sub).mkdir(parents=True)
            for number, data in enumerate(contents, 1):
                (maildir / directory / "cur" / f"{1700000000 + number}.M{number}P1.mailcheck-test:2,").write_bytes(data)
        if as_root:
            for path in [root / "mail", *(root / "mail").rglob("*")]:
                shutil.chown(path, user, group)
        (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        port = free_port()
        (root / "dovecot.conf").write_text(_config(root, port, user, group, as_root))
        log = root / "dovecot.log"
        process = subprocess.Popen([binary, "-F", "-c", str(root / "dovecot.conf")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_ready(port, process, log)
        yield Dovecot(port, maildir, log)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(root, ignore_errors=True)
