"""Fixtures for crawler tests against the simulated web over real HTTP."""

from __future__ import annotations

import pytest

from .crawler_world import start_world


@pytest.fixture()
def world(tmp_path):
    web, w = start_world(tmp_path)
    try:
        yield w
    finally:
        web.stop()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One tiny world crawled once, shared by read-only tests of a module."""
    web, w = start_world(tmp_path_factory.mktemp("crawled"))
    try:
        w.first = w.crawl()
        yield w
    finally:
        web.stop()
