"""``sohoa serve`` refuses to serve beyond this machine with the default or a short secret."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sohoa.cli import app


@pytest.mark.parametrize("secret", [None, "short"])
def test_serve_refuses_a_weak_secret_beyond_loopback(
    secret: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    if secret is None:
        monkeypatch.delenv("SOHOA_API__SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SOHOA_API__SECRET_KEY", secret)
    started: list[object] = []
    monkeypatch.setattr("uvicorn.Server.run", lambda self: started.append(self))
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "SOHOA_API__SECRET_KEY" in result.output and not started


def test_serve_on_this_machine_with_the_default_only_warns(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.delenv("SOHOA_API__SECRET_KEY", raising=False)
    started: list[object] = []
    monkeypatch.setattr("uvicorn.Server.run", lambda self: started.append(self))
    result = CliRunner().invoke(app, ["serve", "--host", "127.0.0.1", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert started and "chỉ dùng thử trên máy này" in result.output
