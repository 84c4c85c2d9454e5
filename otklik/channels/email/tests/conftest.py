"""Real mail servers for the e-mail channel's tests: Debian's dovecot (IMAP) and aiosmtpd (SMTP).

Dovecot runs from a temporary configuration: plain login against a passwd-file, maildirs in a
temporary directory, listening on 127.0.0.1 on free ports (IMAP with STARTTLS, and IMAPS) with a
self-signed certificate made by ``openssl`` for the test. As an ordinary user every
dovecot process runs as that user; as root (CI) the login processes run as Debian's
``dovenull`` and the mail as ``dovecot`` (dovecot refuses root for both). ``make mailserver``
installs ``dovecot-imapd`` when it is missing.
"""

from __future__ import annotations

import imaplib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = os.environ.get("OTKLIK_DOVECOT", "/usr/sbin/dovecot")
USERS = 500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """\
instance_name = otklik-test-{port}
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{base}/cert.pem
ssl_key = <{base}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = {uid}
last_valid_uid = {uid}
mail_location = maildir:{base}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
service anvil {{
  chroot =
}}
service auth-worker {{
  user = {auth_user}
}}
"""


@dataclass
class Dovecot:
    host: str
    port: int  # IMAP, STARTTLS offered
    imaps_port: int  # IMAP over TLS
    base: Path
    mail_uid: int
    mail_gid: int
    users: itertools.count

    def add_user(self) -> tuple[str, str]:
        """A mailbox of its own for each test (the users are written before dovecot starts:
        it reads a changed passwd-file again only when its mtime moves by a second)."""
        n = next(self.users)
        if n > USERS:
            raise RuntimeError(f"more than {USERS} test mailboxes in one session")
        return f"cur{n}", f"pw-cur{n}"


@pytest.fixture(scope="session")
def dovecot():
    if not os.path.exists(DOVECOT):
        pytest.fail(f"dovecot not found at {DOVECOT}: `make mailserver` installs dovecot-imapd")
    base = Path(tempfile.mkdtemp(prefix="otklik-dovecot-"))
    base.chmod(0o755)  # the mail user (not root) must reach the maildirs
    (base / "mail").mkdir()
    (base / "passwd").write_text(
        "".join(f"cur{n}:{{PLAIN}}pw-cur{n}::::::\n" for n in range(1, USERS + 1)),
        encoding="utf-8",
    )
    if os.getuid() == 0:
        mail = pwd.getpwnam("dovecot")
        login_user, internal_user, auth_user = "dovenull", "dovecot", "root"
        uid, gid, group = mail.pw_uid, mail.pw_gid, "dovecot"
        os.chown(base / "mail", uid, gid)
    else:
        me = pwd.getpwuid(os.getuid())
        login_user = internal_user = auth_user = me.pw_name
        uid, gid = me.pw_uid, me.pw_gid
        import grp

        group = grp.getgrgid(gid).gr_name
    port, imaps_port = free_port(), free_port()
    _self_signed_certificate(base)
    conf = base / "dovecot.conf"
    conf.write_text(
        CONFIG.format(
            base=base,
            port=port,
            imaps_port=imaps_port,
            uid=uid,
            gid=gid,
            login_user=login_user,
            internal_user=internal_user,
            internal_group=group,
            auth_user=auth_user,
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=open(base / "stderr.log", "wb"),  # noqa: SIM115 — closed with the process
    )
    server = Dovecot("127.0.0.1", port, imaps_port, base, uid, gid, itertools.count(1))
    try:
        _wait_ready(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(base, ignore_errors=True)


def _self_signed_certificate(base: Path) -> None:
    """A certificate for 127.0.0.1 (the tests trust it as their CA file)."""
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(base / "key.pem"), "-out", str(base / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip


def _wait_ready(server: Dovecot, process: subprocess.Popen) -> None:
    """Until dovecot greets on its port (a start-up wait, not a timing assertion)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            client = imaplib.IMAP4(server.host, server.port, timeout=5)
        except OSError:
            time.sleep(0.1)
            continue
        client.logout()
        return
    logs = ""
    for name in ("stderr.log", "dovecot.log"):
        path = server.base / name
        if path.exists():
            logs += path.read_text(encoding="utf-8", errors="replace")
    pytest.fail(f"dovecot did not start:\n{logs}")


class Mailbox:
    """One user's mailbox on the test dovecot: deliver mail by APPEND, look at it over IMAP."""

    def __init__(self, server: Dovecot) -> None:
        self.server = server
        self.user, self.password = server.add_user()

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.server.host, self.server.port, timeout=30)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            typ, data = client.append(folder, None, None, raw)
            assert typ == "OK", data
        finally:
            client.logout()

    def flags_and_count(self, folder: str = "INBOX") -> list[str]:
        """The flags of every mail in ``folder``, in UID order."""
        client = self.client()
        try:
            typ, data = client.select(f'"{folder}"')
            assert typ == "OK", data
            typ, data = client.uid("FETCH", "1:*", "(FLAGS)")
            if data == [None]:
                return []
            return [d.decode() for d in data if isinstance(d, bytes)]
        finally:
            client.logout()

    def settings(self, **changes):
        from otklik.channels.email.poll import ImapSettings

        values = {
            "host": self.server.host,
            "port": self.server.port,
            "user": self.user,
            "password": self.password,
            "security": "none",
            "timeout": 30,
        }
        values.update(changes)
        return ImapSettings(**values)


@pytest.fixture
def mailbox(dovecot) -> Mailbox:
    return Mailbox(dovecot)


# --- SMTP -----------------------------------------------------------------------------------------
class Recorder:
    """aiosmtpd handler: keeps what it accepts; refuses some recipients like a real server."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address.startswith("busy@"):
            return f"451 4.3.0 <{address}>: Temporary lookup failure"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.original_content or envelope.content)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A local SMTP server; Django's mail settings point at it."""
    from aiosmtpd.controller import Controller

    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "cur@volgograd.test"
    try:
        yield recorder
    finally:
        controller.stop()
