"""What makes the demo live: a mail catcher the portal shows as a mailbox, and a world clock
that moves forward (by itself every tick, or on request from the admin page) with the
pipeline (crawl → index → monitor and alerts) run after each move, at a demo pace.

Only `nianbao demo` uses this; the portal registers its mailbox and clock pages only when the
app is created with config `NIANBAO_DEMO`.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import logging
import socket
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiosmtpd.controller import Controller

from web.views.demo import describe

log = logging.getLogger("nianbao.demo")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class MailCatcher:
    """An SMTP server (aiosmtpd) on loopback that keeps the last messages in memory."""

    def __init__(self, limit: int = 500) -> None:
        self.messages: deque[dict[str, Any]] = deque(maxlen=limit)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.controller: Any = None
        self.host, self.port = "127.0.0.1", 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd hook)
        self.add(envelope.content, envelope.mail_from, list(envelope.rcpt_tos))
        return "250 OK"

    def add(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> dict[str, Any]:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        text_part = msg.get_body(("plain",)) if msg.is_multipart() or msg.get_content_type() == "text/plain" else None
        text = text_part.get_content() if text_part is not None else ""  # type: ignore[union-attr]
        with self._lock:
            item = {"id": next(self._ids), "received_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "from": str(msg.get("From", mail_from)), "to": ", ".join(rcpt_tos),
                    "subject": str(msg.get("Subject", "")), "text": text,
                    "message_id": str(msg.get("Message-ID", "")),
                    "unsubscribe": str(msg.get("List-Unsubscribe", ""))}
            self.messages.append(item)
        return item

    def start(self, host: str = "127.0.0.1", port: int = 0) -> MailCatcher:
        self.host, self.port = host, port or free_port(host)
        self.controller = Controller(self, hostname=host, port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(reversed(self.messages))

    def get(self, mid: int) -> dict[str, Any] | None:
        return next((m for m in self.list() if m["id"] == mid), None)


class WorldClock:
    """The demo's date, moved forward `days` per tick (until `until`) or on request; after each
    tick the pipeline runs (crawl and index only when the date moved; alerts always, so a
    subscription confirmed a moment ago gets what is pending at the next tick)."""

    def __init__(self, today: date, *, set_date: Callable[[date], None],
                 pipeline: Callable[[date, bool], dict[str, Any]], tick: float, days: int,
                 until: date | None = None, echo: Callable[[str], None] | None = None) -> None:
        self.today, self.tick, self.days, self.until = today, tick, days, until
        self._set_date, self._pipeline, self._echo = set_date, pipeline, echo or (lambda _s: None)
        self._requested = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.runs = 0
        self.last: dict[str, Any] = {}
        self.running = False
        self.next_at: datetime | None = None
        self.thread: threading.Thread | None = None

    # --- requests from the portal -------------------------------------------------------
    def advance(self, days: int) -> None:
        """Move the clock `days` forward at once (the tick runs now)."""
        with self._lock:
            self._requested += max(0, int(days))
        self._wake.set()

    def status(self) -> dict[str, Any]:
        with self._lock:
            tick = int(self.tick) if float(self.tick).is_integer() else self.tick
            return {"today": self.today.isoformat(), "tick": tick, "days": self.days,
                    "until": self.until.isoformat() if self.until else None, "running": self.running,
                    "runs": self.runs, "requested": self._requested, "last": dict(self.last),
                    "next_at": self.next_at.isoformat(timespec="seconds") if self.next_at else None}

    # --- the loop -------------------------------------------------------------------------
    def start(self) -> WorldClock:
        self.thread = threading.Thread(target=self._loop, daemon=True, name="demo-clock")
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self.thread is not None:
            self.thread.join(30)

    def _step(self) -> int:
        with self._lock:
            step, self._requested = self._requested, 0
        if not step and self.days and (self.until is None or self.today < self.until):
            step = self.days
            if self.until is not None:
                step = min(step, (self.until - self.today).days)
        return step

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.next_at = datetime.now(UTC) + timedelta(seconds=self.tick)
            self._wake.wait(self.tick)
            self._wake.clear()
            if self._stop.is_set():
                return
            self.run_once()

    def run_once(self) -> dict[str, Any]:
        step = self._step()
        with self._lock:
            self.running = True
        try:
            if step:
                new = self.today + timedelta(days=step)
                self._set_date(new)
                with self._lock:
                    self.today = new
            result = self._pipeline(self.today, bool(step))
        except Exception as exc:  # noqa: BLE001 — shown on the admin page; the loop goes on
            log.exception("demo tick failed")
            result = {"error": str(exc)[:500]}
        finally:
            with self._lock:
                self.running = False
                self.runs += 1
        result = {"date": self.today.isoformat(), "moved": step,
                  "finished_at": datetime.now(UTC).isoformat(timespec="seconds"), **result}
        with self._lock:
            self.last = result
        if step or result.get("sent") or result.get("error"):
            self._echo(describe(result))
        return result
