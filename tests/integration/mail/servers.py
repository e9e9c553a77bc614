"""Real mail servers on loopback for the email tests: aiosmtpd (SMTP) and dovecot (IMAP).

`smtp_server(handler)` runs aiosmtpd in a thread; `Collector` keeps what it accepts
and can answer chosen codes first (451: try later; 550: refused for good).
`dovecot_server()` starts Debian's dovecot with a generated config: passwd-file
auth, Maildir in a temporary folder, no TLS, on a free loopback port. Run by an
ordinary user it needs no root at all: every process runs as that user. Run as
root (CI machines), dovecot itself refuses to serve logins or mail as root, so it
uses the unprivileged accounts its package creates (dovenull for logins, dovecot
for everything else, mail files owned by dovecot). Messages are put in with
imapclient's APPEND.
"""

from __future__ import annotations

import getpass
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
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from ringback.adapters.email.imap import ImapConfig
from ringback.adapters.email.smtp import SmtpConfig

DOVECOT = "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Collector:
    """An aiosmtpd handler: answers `answers` in turn (then 250) and keeps what it accepts."""

    answers: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    tries: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.tries += 1
        if self.answers:
            answer = self.answers.pop(0)
            if not answer.startswith("250"):
                return answer
        message = message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK queued"


@contextmanager
def smtp_server(handler: Collector) -> Iterator[SmtpConfig]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpConfig("127.0.0.1", port, starttls=False, timeout_s=10)
    finally:
        controller.stop()


DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {uid}
mail_location = maildir:{base}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service pop3-login {{
  chroot =
}}
service submission-login {{
  chroot =
}}
"""


def _accounts() -> dict[str, object]:
    """Who dovecot's processes and mail files run as (see the module's docstring)."""
    if os.getuid() != 0:
        me = getpass.getuser()
        group = grp.getgrgid(os.getgid()).gr_name
        return {"internal": me, "login": me, "group": group, "uid": os.getuid(), "gid": os.getgid()}
    owner = pwd.getpwnam("dovecot")
    group = grp.getgrgid(owner.pw_gid).gr_name
    return {
        "internal": "dovecot",
        "login": "dovenull",
        "group": group,
        "uid": owner.pw_uid,
        "gid": owner.pw_gid,
    }


@contextmanager
def dovecot_server() -> Iterator[ImapConfig]:
    """A dovecot of our own on loopback; skipped (failed under CI) when not installed."""
    if not Path(DOVECOT).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("dovecot-imapd is not installed (CI=true: .ci/run installs it)")
        pytest.skip("dovecot-imapd is not installed (apt-get install dovecot-imapd)")
    base = Path(tempfile.mkdtemp(prefix="ringback-dovecot-"))
    try:
        with _running(base) as config:
            yield config
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def _running(base: Path) -> Iterator[ImapConfig]:
    accounts = _accounts()
    base.chmod(0o755)  # the mail processes (another user when we are root) walk into it
    for folder in ("run", "state", "mail", "home"):
        (base / folder).mkdir()
    for folder in ("mail", "home"):
        os.chown(base / folder, int(str(accounts["uid"])), int(str(accounts["gid"])))
    user, password, port = "ringback", "secret-test-password", free_port()
    (base / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n")
    config = base / "dovecot.conf"
    config.write_text(DOVECOT_CONF.format(base=base, port=port, **accounts))
    # -F: in the foreground, so the test owns the process and stops it by its id.
    server = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, base / "dovecot.log")
        yield ImapConfig("127.0.0.1", port, user, password, ssl=False, timeout_s=10)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(port: int, log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"dovecot did not start: {log.read_text() if log.exists() else ''}")
