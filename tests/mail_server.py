"""A real SMTP server on 127.0.0.1 for the tests that send mail (aiosmtpd): the `smtp_server` fixture
(tests/conftest.py) starts one and gives its inbox and its URL."""
from __future__ import annotations

import email
import email.policy
import socket

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """Keeps what it is sent (parsed in `received`, as the bytes it took in `raw`); `refuse_at` ("RCPT" or
    "DATA") answers that command 550 instead, and so does RCPT for the addresses in `unknown`."""

    def __init__(self, refuse_at: str | None = None, unknown: tuple[str, ...] = ()):
        self.refuse_at, self.unknown, self.received = refuse_at, unknown, []
        self.raw: list[bytes] = []  # each message's bytes exactly as the server took them, headers and all

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_at == "RCPT" or address in self.unknown:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_at == "DATA":
            return "550 5.7.1 message refused by policy"
        self.raw.append(envelope.original_content)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.original_content, policy=email.policy.default)))
        return "250 Message accepted"


def smtp_server_fixture():
    """Start a real SMTP server on 127.0.0.1 (refusing at `refuse_at`, if given): its inbox and URL."""
    started = []

    def start(refuse_at: str | None = None, unknown: tuple[str, ...] = ()) -> tuple[Inbox, str]:
        inbox, port = Inbox(refuse_at, unknown), free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)  # no TLS: it offers no STARTTLS
        controller.start()
        started.append(controller)
        return inbox, f"smtp://127.0.0.1:{port}"

    yield start
    for controller in started:
        controller.stop()
