"""The generated demo password is kept in the instance folder, readable by its owner only."""
from __future__ import annotations

import stat

import pytest

from engine import demo
from tests.conftest import QUICK_PASSWORDS


@pytest.mark.unit
def test_a_kept_password_is_readable_by_its_owner_only_even_over_an_older_wider_file(tmp_path):
    older = tmp_path / "instance" / demo.PASSWORD_FILE
    older.parent.mkdir()
    older.write_text("lama\n")
    older.chmod(0o644)
    path = demo.keep_password(tmp_path / "instance", "baru-rahasia")
    assert path == older and path.read_text() == "baru-rahasia\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert demo.kept_password_file(tmp_path / "instance") == path


@pytest.mark.unit
def test_without_a_kept_password_there_is_nothing_to_point_at(tmp_path):
    assert demo.kept_password_file(tmp_path) is None


def test_the_demo_keeps_a_generated_password_but_not_a_given_one(session_factory, tmp_path):
    generated = demo.ensure_demo(session_factory, QUICK_PASSWORDS, bpmn_dir=tmp_path, instance_dir=tmp_path / "a")
    assert generated.password_file == tmp_path / "a" / demo.PASSWORD_FILE
    assert generated.password_file.read_text() == generated.password + "\n"
    assert demo.ensure_demo(session_factory, QUICK_PASSWORDS, bpmn_dir=tmp_path,
                            instance_dir=tmp_path / "b").password_file is None  # users exist: nothing generated


def test_a_password_from_the_environment_is_not_written_anywhere(session_factory, tmp_path):
    given = demo.ensure_demo(session_factory, QUICK_PASSWORDS, "dari-lingkungan", bpmn_dir=tmp_path,
                             instance_dir=tmp_path)
    assert given.created_users and given.password_file is None and demo.kept_password_file(tmp_path) is None
