"""Proof sends: one edition, as subscribers will get it, to a few test addresses over SMTP."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from newsdesk.newsletter.config import (
    NewsletterConfigError,
    NewsletterSettings,
    SmtpSettings,
    _address,
)
from newsdesk.newsletter.render import MESSAGE_POLICY, RenderedEdition

TIMEOUT_SECONDS = 30


class ProofError(Exception):
    """The proof could not be sent; the message says why, never with the password."""


def proof_message(
    rendered: RenderedEdition, recipients: Sequence[str], mail: NewsletterSettings, now: datetime
) -> EmailMessage:
    """The edition's message, marked as a proof and addressed to ``recipients``; it gets its
    own Message-ID and Date, so mail clients do not take two proofs for one message."""
    message = message_from_bytes(rendered.eml, _class=EmailMessage, policy=MESSAGE_POLICY)
    subject = message["Subject"]
    del message["Subject"], message["Date"], message["Message-ID"]
    message["Subject"] = f"[Proof] {subject}"
    addresses, wrong = [], []
    for recipient in recipients:
        try:
            addresses.append(str(_address(recipient, f"--to {recipient}")))
        except NewsletterConfigError as exc:
            wrong.append(str(exc))
    if wrong:
        raise NewsletterConfigError("; ".join(wrong))
    message["To"] = ", ".join(addresses)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=f"proof.{rendered.id}", domain=mail.sender.domain)
    return message


def send(message: EmailMessage, smtp: SmtpSettings) -> None:
    where = f"{smtp.host}:{smtp.port}"
    try:
        if smtp.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS)
        with client:
            if smtp.tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise ProofError(
            f"{where} refused the login of {smtp.user}: check NEWSDESK_SMTP_USER and "
            "NEWSDESK_SMTP_PASSWORD"
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise ProofError(f"{where} does not support what was asked of it: {exc}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise ProofError(f"{where} refused every address: {_each(exc.recipients)}") from None
    except smtplib.SMTPException as exc:
        raise ProofError(f"{where} did not accept the proof: {exc}") from None
    except ssl.SSLError as exc:
        raise ProofError(
            f"TLS with {where} failed ({exc.reason}); check NEWSDESK_SMTP_TLS"
        ) from None
    except OSError as exc:
        raise ProofError(f"cannot reach the SMTP server {where}: {exc.strerror or exc}") from None
    if refused:  # the server took the proof for the others
        raise ProofError(
            f"{where} refused {len(refused)} of the addresses: {_each(refused)}; the others "
            "were sent the proof"
        )


def _each(refused: dict[str, tuple[int, bytes]]) -> str:
    """Each refused address with the server's reason: ``a@b.org (550 no such user)``."""
    return ", ".join(
        f"{address} ({code} {reason.decode('utf-8', 'replace').strip()})"
        for address, (code, reason) in sorted(refused.items())
    )
