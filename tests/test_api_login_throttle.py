"""Password guessing is slowed down: per account, per address, and argon2 checks are bounded."""

from __future__ import annotations

import threading

import pytest

from sohoa.api.errors import TooManyAttempts
from sohoa.api.login_throttle import LoginThrottle
from tests.api_fixtures import PASSWORD, ApiEnv, api_fixture  # noqa: F401


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _login(api: ApiEnv, username: str, password: str) -> int:
    response = api.client.post("/api/login", json={"username": username, "password": password})
    return response.status_code


def test_an_account_is_locked_after_five_wrong_passwords_even_for_the_right_one(
    api: ApiEnv,
) -> None:
    clock = Clock()
    api.client.app.state.sohoa.login_throttle = LoginThrottle(clock=clock)  # type: ignore[attr-defined]
    assert [_login(api, "canbo1", "sai") for _ in range(5)] == [401] * 5
    locked = api.client.post("/api/login", json={"username": "canbo1", "password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert locked.json()["code"] == "too_many_attempts"
    assert _login(api, "canbo2", PASSWORD) == 200  # another account from the same desk
    clock.now += 901  # the window has passed
    assert _login(api, "canbo1", PASSWORD) == 200
    failed = api.client.get("/api/audit?action=login_failed", headers=api.headers("quantri"))
    assert [e["username"] for e in failed.json()] == ["canbo1"] * 5


def test_an_address_is_locked_after_twenty_failures_over_any_accounts(api: ApiEnv) -> None:
    api.client.app.state.sohoa.login_throttle = LoginThrottle(clock=Clock())  # type: ignore[attr-defined]
    codes = [_login(api, f"khong-co-{i}", "sai") for i in range(20)]
    assert codes == [401] * 20
    assert _login(api, "canbo1", PASSWORD) == 429


def test_password_checks_at_once_are_bounded() -> None:
    throttle = LoginThrottle(concurrent_checks=1, wait_seconds=0.05)
    entered = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with throttle.password_check():
            entered.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert entered.wait(5)
    with pytest.raises(TooManyAttempts), throttle.password_check():
        pass
    release.set()
    holder.join()
    with throttle.password_check():  # free again
        pass
