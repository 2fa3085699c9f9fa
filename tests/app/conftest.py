"""Fixtures the AppTest modules share."""

from __future__ import annotations

import pytest

from lab_components import lab_api


@pytest.fixture
def route_served(monkeypatch):
    """As on README's start: this process serves the path route."""
    monkeypatch.setattr(lab_api, "_SERVED", [lab_api.PATH])
