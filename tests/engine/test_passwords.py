"""Password hashes at the costs the settings give. Unit tests: no database."""
from __future__ import annotations

import argon2
import pytest

from engine.config import Settings
from engine.people.accounts import Passwords
from tests.conftest import QUICK_HASHING, QUICK_PASSWORDS

pytestmark = pytest.mark.unit


def test_the_hash_is_argon2id_at_the_costs_of_the_settings():
    assert QUICK_PASSWORDS.hash("rahasia-123").startswith("$argon2id$v=19$m=8,t=1,p=1$")


def test_production_costs_are_argon2s_defaults_unless_the_environment_says_otherwise(monkeypatch):
    defaults = Settings.from_env()
    assert (defaults.password_time_cost, defaults.password_memory_kib, defaults.password_parallelism) == (
        argon2.DEFAULT_TIME_COST, argon2.DEFAULT_MEMORY_COST, argon2.DEFAULT_PARALLELISM)
    monkeypatch.setenv("ATENSI_PASSWORD_TIME_COST", "4")
    monkeypatch.setenv("ATENSI_PASSWORD_MEMORY_KIB", "16384")
    monkeypatch.setenv("ATENSI_PASSWORD_PARALLELISM", "2")
    assert Passwords(Settings.from_env()).hash("rahasia-123").startswith("$argon2id$v=19$m=16384,t=4,p=2$")


def test_a_password_matches_only_its_own_hash():
    stored = QUICK_PASSWORDS.hash("rahasia-123")
    assert QUICK_PASSWORDS.matches(stored, "rahasia-123")
    assert not QUICK_PASSWORDS.matches(stored, "rahasia-124")
    assert not QUICK_PASSWORDS.matches("not a hash", "rahasia-123")


def test_a_missing_hash_never_matches_yet_is_checked_like_a_real_one():
    passwords = Passwords(Settings(**QUICK_HASHING))
    assert not passwords.matches(None, "not-a-real-password")
    assert not passwords.matches(None, "")
