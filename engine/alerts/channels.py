"""The notification channels: e-mail over SMTP and signed webhooks. Each sends one outbox job.

A channel raises `DeliveryError` when it could not deliver; `permanent=True` when retrying cannot
help (the mailbox does not exist, the webhook answered 4xx). Anything else is retried with backoff.

Webhooks are an HTTP POST of the alert as JSON. ``X-Atensi-Signature: sha256=<hex>`` is the
HMAC-SHA256 of the raw body with the shared secret; ``X-Atensi-Delivery`` is the delivery id and
``X-Atensi-Dedup-Key`` the alert's key, so a receiver can drop a repeat after a worker crash.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate

from engine.alerts.outbox import DeliveryError, Job, Sender
from engine.config import Settings

TIMEOUT_SECONDS = 30
SIGNATURE_HEADER = "X-Atensi-Signature"
RETRYABLE_HTTP = {408, 425, 429}


def senders(settings: Settings) -> dict[str, Sender]:
    """The configured channels, by the name the outbox rows carry."""
    channels: dict[str, Sender] = {}
    if settings.smtp_host:
        channels["email"] = EmailChannel(settings).send
    if settings.webhook_url:
        channels["webhook"] = WebhookChannel(settings).send
    return channels


# --- e-mail ------------------------------------------------------------------------------------


class EmailChannel:
    def __init__(self, settings: Settings):
        self.settings = settings

    def message(self, job: Job) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.settings.smtp_from
        mail["To"] = job.target
        mail["Subject"] = job.subject
        mail["Date"] = formatdate(localtime=False)
        # One Message-ID per delivery: a mail client folds a repeat (after a crash) into one.
        domain = self.settings.smtp_from.rpartition("@")[2] or "atensi"
        mail["Message-ID"] = f"<atensi-delivery-{job.delivery_id}@{domain}>"
        mail["X-Atensi-Dedup-Key"] = job.alert["dedup_key"]
        link = f"\n\n{job.alert['link']}" if job.alert.get("link") else ""
        mail.set_content(f"{job.alert['message']}{link}\n\n-- \nATENSI, pesan otomatis. Mohon tidak dibalas.\n")
        return mail

    def send(self, job: Job) -> None:
        s = self.settings
        try:
            with self._connect() as smtp:
                if s.smtp_tls and not s.smtp_ssl:
                    smtp.starttls(context=ssl.create_default_context())
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password or "")
                smtp.send_message(self.message(job))
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise DeliveryError(f"SMTP refused: {exc}", permanent=_smtp_permanent(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {s.smtp_host}:{s.smtp_port}: {exc}") from exc

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_ssl:
            return smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS,
                                    context=ssl.create_default_context())
        return smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS)


def _smtp_permanent(exc: smtplib.SMTPException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
    else:
        codes = [getattr(exc, "smtp_code", 0)]
    return bool(codes) and all(500 <= code < 600 for code in codes)


# --- webhooks ----------------------------------------------------------------------------------


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    return header is not None and hmac.compare_digest(signature(secret, body), header)


def webhook_body(job: Job) -> bytes:
    payload = {"event": f"alert.{job.alert['kind']}", "delivery_id": job.delivery_id, "attempt": job.attempt,
               "alert": job.alert}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


class WebhookChannel:
    def __init__(self, settings: Settings):
        self.settings = settings

    def request(self, job: Job) -> urllib.request.Request:
        body = webhook_body(job)
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "ATENSI-scheduler",
                   "X-Atensi-Delivery": str(job.delivery_id), "X-Atensi-Dedup-Key": job.alert["dedup_key"]}
        if self.settings.webhook_secret:
            headers[SIGNATURE_HEADER] = signature(self.settings.webhook_secret, body)
        return urllib.request.Request(job.target, data=body, headers=headers, method="POST")

    def send(self, job: Job) -> None:
        try:
            with urllib.request.urlopen(self.request(job), timeout=TIMEOUT_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            exc.close()
            permanent = 400 <= exc.code < 500 and exc.code not in RETRYABLE_HTTP
            raise DeliveryError(f"webhook answered HTTP {exc.code}", permanent=permanent) from exc
        except OSError as exc:  # URLError, refused connections and timeouts
            raise DeliveryError(f"webhook {job.target}: {exc}") from exc
