"""``--data-dir`` roots local files in a folder, but never replaces an explicit setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.settings import Settings

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def test_an_explicit_index_url_wins_over_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOHOA_INDEX__URL", POSTGRES)
    monkeypatch.setenv("SOHOA_WATCH__DROP_DIRS", '["/srv/scanner"]')
    settings = Settings.rooted_at(tmp_path)
    assert settings.index.url == POSTGRES  # a watcher meant for PostgreSQL stays on it
    assert settings.watch.drop_dirs == [Path("/srv/scanner")]
    assert settings.storage.local_root == tmp_path / "objects"  # what was not set is rooted


def test_without_settings_everything_lives_under_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("SOHOA_INDEX__URL", "SOHOA_WATCH__DROP_DIRS", "SOHOA_STORAGE__LOCAL_ROOT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.rooted_at(tmp_path)
    assert settings.index.url == f"sqlite:///{tmp_path / 'sohoa.db'}"
    assert settings.watch.drop_dirs == [tmp_path / "drop"]
    assert settings.watch.work_dir == tmp_path / "intake"
