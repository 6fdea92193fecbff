"""Subscription addresses longer than their columns are refused with a clear message on every
backend (PostgreSQL enforces column lengths: before, such a target was a database error — a
500 from the API — there, and stored whole on SQLite)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from monitor import subscriptions
from monitor.models import Subscription
from monitor.subscriptions import SubscriptionError


def test_over_long_targets_are_refused(db, settings, receiver):
    long_hook = receiver.url + "?" + "x" * 1000  # target is 1000
    with pytest.raises(SubscriptionError, match="too long"):
        subscriptions.create(db, settings, kind="findings", channel="webhook", target=long_hook,
                             params={"codes": ["MISSING"]})
    long_mail = "a" * 300 + "@example.org"  # an e-mail target is also the contact address (300)
    with pytest.raises(SubscriptionError, match="too long"):
        subscriptions.create(db, settings, kind="findings", channel="email", target=long_mail,
                             params={"codes": ["MISSING"]}, send_confirmation=False)
    with pytest.raises(SubscriptionError, match="invalid e-mail"):
        subscriptions.create(db, settings, kind="findings", channel="webhook", target=receiver.url,
                             params={"codes": ["MISSING"]}, contact_email=long_mail)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Subscription)) == 0

    sub = subscriptions.create(db, settings, kind="findings", channel="webhook", target=receiver.url,
                               params={"codes": ["MISSING"]}, label="标" * 500)
    assert len(sub.label) == 200  # a label is cut, as before
    with pytest.raises(SubscriptionError, match="too long"):
        subscriptions.update(db, sub.token, settings, target=long_hook)
    db.rollback()
    assert db.get(Subscription, sub.id).target == receiver.url


def test_contact_address_can_be_changed_and_is_checked(db, settings, receiver):
    sub = subscriptions.create(db, settings, kind="findings", channel="webhook", target=receiver.url,
                               params={"codes": ["MISSING"]}, contact_email="ops@example.org")
    subscriptions.update(db, sub.token, settings, contact_email="desk@example.org")
    assert db.get(Subscription, sub.id).contact_email == "desk@example.org"  # was silently ignored
    for bad in ("a" * 300 + "@example.org", "not-an-address", ["x@example.org"]):
        with pytest.raises(SubscriptionError, match="invalid e-mail"):
            subscriptions.update(db, sub.token, settings, contact_email=bad)
        db.rollback()
    assert db.get(Subscription, sub.id).contact_email == "desk@example.org"
    subscriptions.update(db, sub.token, settings, contact_email="")
    assert db.get(Subscription, sub.id).contact_email is None
