"""Real servers for channel tests: aiosmtpd (SMTP), Dovecot (IMAP), a local Twilio Messages API.

A test module makes fixtures of the generators: `smtp_server = pytest.fixture(serve_smtp,
name="smtp_server")`. When CI is set, a missing server makes the test fail instead of skipping.
"""

from __future__ import annotations

import base64
import grp
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

DOVECOT = os.environ.get("LEGALDESK_DOVECOT", "/usr/sbin/dovecot")
IMAP_USER = "guichet"
IMAP_PASSWORD = "mot-de-passe-de-test"
TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "jeton-twilio-de-test"


def require(condition: bool, why: str) -> None:
    """Skip locally when a server is missing; in CI (CI set) fail instead."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{why} (required in CI)")
    pytest.skip(why)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None,
                  attempts: int = 200) -> None:
    """Wait until something accepts connections on the port (or the process died)."""
    for _ in range(attempts):
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


# --- SMTP ---------------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    """One message accepted by the test SMTP server."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        """The parsed message."""
        return message_from_bytes(self.data, policy=email_policy.default)


@dataclass
class SmtpServer:
    """An aiosmtpd server on loopback that records what it accepts; it can be stopped and restarted
    on the same port, and refuse chosen recipients with a given reply."""

    port: int
    received: list[ReceivedMail] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    _controller: object | None = None

    def start(self) -> None:
        """Listen (again) on the port."""
        from aiosmtpd.controller import Controller

        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused from now on."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def config(self) -> dict:
        """App settings pointing the SMTP sender here."""
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_USE_TLS": False,
                "SMTP_USE_SSL": False, "SMTP_TIMEOUT_SECONDS": 5}


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.server.refuse:
            return self.server.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.server.received.append(ReceivedMail(
            envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 Message accepted for delivery"


def serve_smtp():
    """Fixture body: a running aiosmtpd server (stop()/start() simulate an outage)."""
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        require(False, "aiosmtpd is not installed")
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


# --- IMAP (Dovecot) -----------------------------------------------------------------------


@dataclass
class DovecotServer:
    """A Dovecot IMAP server on loopback with a throw-away maildir and one static user."""

    root: Path
    port: int
    process: subprocess.Popen | None = None
    _private_mail_dir: Path | None = None

    @property
    def log_path(self) -> Path:
        """Dovecot's log file."""
        return self.root / "dovecot.log"

    def start(self) -> None:
        """Write the configuration, start Dovecot in the foreground and wait for it."""
        config = self.root / "dovecot.conf"
        config.write_text(self._configuration())
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, self.process)
        except RuntimeError as exc:
            log = self.log_path.read_text() if self.log_path.exists() else ""
            raise RuntimeError(f"dovecot did not start: {exc}\n{log}") from exc

    def stop(self) -> None:
        """Stop Dovecot and wait for it."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._private_mail_dir is not None:
            shutil.rmtree(self._private_mail_dir, ignore_errors=True)
            self._private_mail_dir = None

    def _mail_dir(self, uid: int, gid: int) -> Path:
        """The throw-away maildir: under tmp_path, unless the mail user cannot reach it there.

        As root, mail processes run as Dovecot's user, which cannot cross pytest's 0700
        folders (pytest resets their mode on every run): the maildir is then a private
        temporary folder of its own, removed by stop().
        """
        if os.geteuid() != 0:
            mail_dir = self.root / "mail"
            mail_dir.mkdir(exist_ok=True)
            return mail_dir
        self._private_mail_dir = Path(tempfile.mkdtemp(prefix="legaldesk-maildir-"))
        os.chown(self._private_mail_dir, uid, gid)
        (self.root / "mail").symlink_to(self._private_mail_dir)  # for whoever inspects tmp_path
        return self._private_mail_dir

    def _mail_owner(self) -> tuple[int, int, str, str]:
        """Mail processes may not run as root: as root, Dovecot's own accounts are used."""
        if os.geteuid() != 0:
            me = pwd.getpwuid(os.geteuid())
            return me.pw_uid, me.pw_gid, me.pw_name, me.pw_name
        mail = pwd.getpwnam("dovecot")
        return mail.pw_uid, mail.pw_gid, "dovenull", "dovecot"

    def _configuration(self) -> str:
        uid, gid, login_user, internal_user = self._mail_owner()
        mail_dir = self._mail_dir(uid, gid)
        internal_group = grp.getgrgid(pwd.getpwnam(internal_user).pw_gid).gr_name
        return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.log_path}
info_log_path = {self.log_path}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{mail_dir}/%u
first_valid_uid = {uid}
last_valid_uid = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
passdb {{
  driver = static
  args = password={IMAP_PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={mail_dir}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""

    def config(self, **extra) -> dict:
        """App settings pointing the IMAP door here."""
        return {"IMAP_HOST": "127.0.0.1", "IMAP_PORT": self.port, "IMAP_SSL": False,
                "IMAP_STARTTLS": False, "IMAP_USER": IMAP_USER, "IMAP_PASSWORD": IMAP_PASSWORD,
                "IMAP_FOLDER": "INBOX", "IMAP_TIMEOUT_SECONDS": 10, **extra}

    def mailbox(self):
        """A logged-in imap_tools mailbox (a context manager) for the test's own checks."""
        from imap_tools import MailBoxUnencrypted

        return MailBoxUnencrypted("127.0.0.1", self.port, timeout=10).login(
            IMAP_USER, IMAP_PASSWORD)

    def deliver(self, *raws: bytes) -> None:
        """Put messages in the INBOX (IMAP APPEND), as a mail server would."""
        with self.mailbox() as mailbox:
            for raw in raws:
                mailbox.append(raw, "INBOX", flag_set=())


def serve_imap(tmp_path):
    """Fixture body: a running Dovecot IMAP server with an empty mailbox."""
    require(Path(DOVECOT).exists(), f"dovecot is not installed at {DOVECOT}")
    root = tmp_path / "dovecot"
    root.mkdir()
    server = DovecotServer(root, free_port())
    server.start()
    yield server
    server.stop()


# --- Twilio Messages API ------------------------------------------------------------------


@dataclass
class TwilioApi:
    """A local HTTP server speaking the parts of Twilio's REST API that legaldesk uses.

    POST /2010-04-01/Accounts/{sid}/Messages.json creates a message (recorded in `sent`);
    GET /media/{name} serves media added with add_media (basic auth required, as at Twilio), or
    redirects where redirect_media said; media_requests records (name, credentials sent).
    `fail_next` holds (HTTP status, Twilio code, message) replies for the next sends.
    """

    port: int
    sent: list[dict] = field(default_factory=list)
    fail_next: list[tuple[int, int, str]] = field(default_factory=list)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    media_requests: list[str] = field(default_factory=list)
    media_credentials: list[bool] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """Where the twilio Client is pointed."""
        return f"http://127.0.0.1:{self.port}"

    def media_url(self, name: str) -> str:
        """The URL Twilio would put in MediaUrlN."""
        return f"{self.base_url}/media/{name}"

    def add_media(self, name: str, data: bytes, content_type: str) -> str:
        """Serve a media file and return its URL."""
        self.media[name] = (data, content_type)
        return self.media_url(name)

    def redirect_media(self, name: str, location: str) -> str:
        """Answer GET /media/{name} with a 307 to location (as Twilio sends media to its CDN)."""
        self.redirects[name] = location
        return self.media_url(name)

    def config(self, **extra) -> dict:
        """App settings pointing the WhatsApp sender here."""
        return {"TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
                "TWILIO_WHATSAPP_FROM": "whatsapp:+33159000000", "TWILIO_BASE_URL": self.base_url,
                "TWILIO_TEMPLATE_CONTENT_SID": "HX" + "a" * 32, "TWILIO_TIMEOUT_SECONDS": 5,
                **extra}

    def start(self) -> None:
        """Serve in a background thread."""
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                api._create_message(self)

            def do_GET(self):  # noqa: N802
                api._serve_media(self)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        expected = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        return handler.headers.get("Authorization", "") == f"Basic {expected}"

    def _create_message(self, handler: BaseHTTPRequestHandler) -> None:
        path = urlparse(handler.path).path
        length = int(handler.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        if path != f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json":
            return _reply(handler, 404, {"code": 20404, "message": "Not found", "status": 404})
        if not self._authorised(handler):
            return _reply(handler, 401, {"code": 20003, "message": "Authenticate",
                                         "status": 401})
        if self.fail_next:
            status, code, message = self.fail_next.pop(0)
            return _reply(handler, status, {"code": code, "message": message, "status": status})
        sid = "SM" + uuid.uuid4().hex
        self.sent.append({"sid": sid, **form})
        _reply(handler, 201, {
            "sid": sid, "account_sid": TWILIO_SID, "status": "queued", "to": form.get("To"),
            "from": form.get("From"), "body": form.get("Body", ""), "num_segments": "1",
            "direction": "outbound-api", "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{TWILIO_SID}/Messages/{sid}.json"})

    def _serve_media(self, handler: BaseHTTPRequestHandler) -> None:
        name = urlparse(handler.path).path.removeprefix("/media/")
        self.media_requests.append(name)
        self.media_credentials.append("Authorization" in handler.headers)
        if name in self.redirects:
            handler.send_response(307)
            handler.send_header("Location", self.redirects[name])
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        if not self._authorised(handler):
            return _reply(handler, 401, {"message": "Authenticate"})
        if name not in self.media:
            return _reply(handler, 404, {"message": "Not found"})
        data, content_type = self.media[name]
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def _reply(handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
    body = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def serve_twilio():
    """Fixture body: a running local Twilio Messages API."""
    api = TwilioApi(free_port())
    api.start()
    yield api
    api.stop()


def configure(monkeypatch, app, settings: dict) -> None:
    """Apply settings to the (session-wide) app for this test only."""
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)


def whatsapp_form(sid: str, body: str = "", sender: str = "+33612345678", **extra) -> dict:
    """The fields Twilio posts for an incoming WhatsApp message."""
    return {"MessageSid": sid, "SmsMessageSid": sid, "AccountSid": TWILIO_SID,
            "From": f"whatsapp:{sender}", "To": "whatsapp:+33159000000", "Body": body,
            "NumMedia": "0", "ProfileName": "Karim", "WaId": sender.lstrip("+"),
            "SmsStatus": "received", "ApiVersion": "2010-04-01", **extra}


def twilio_post(client, path: str, form: dict, *, base: str = "https://localhost",
                token: str = TWILIO_TOKEN, headers: dict | None = None):
    """POST a webhook signed as Twilio signs it (X-Twilio-Signature over base + path + form)."""
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(token).compute_signature(base + path, form)
    return client.post(path, data=form,
                       headers={"X-Twilio-Signature": signature, **(headers or {})})
