"""End to end in real headless Chromium: log in, search a citizen, attach, see it counted."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from schemas.settings import Settings
from sohoa.api.app import create_app
from storage.index.db import Index
from storage.objects.local import LocalObjectStore
from tests.api_fixtures import BIRTH, CITIZEN_ID, DOSSIER, PASSWORD, add_users, seed_result

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT_SECONDS = 20


def _require_browser() -> None:
    if Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists():
        return
    message = "Debian chromium and chromium-driver are not installed (scripts/setup.sh)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server_url(settings: Settings) -> Iterator[tuple[str, int]]:
    """The staff app under a real uvicorn on loopback, with one citizen's birth certificate."""
    index = Index(settings.index.url)
    index.create_schema()
    store = LocalObjectStore(settings.storage.local_root)
    add_users(index)
    result_id = seed_result(index, store, BIRTH)
    app = create_app(settings, index=index, store=store)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}", result_id
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        index.dispose()


def test_staff_logs_in_searches_attaches_and_sees_the_counter(
    server_url: tuple[str, int], tmp_path: Path
) -> None:
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    base, result_id = server_url
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    wait = WebDriverWait(driver, WAIT_SECONDS)
    try:
        driver.get(base + "/")
        wait.until(ec.visibility_of_element_located((By.ID, "login-form")))
        driver.find_element(By.ID, "username").send_keys("canbo1")
        driver.find_element(By.ID, "password").send_keys("sai-mat-khau")
        driver.find_element(By.ID, "login-button").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "login-error"), "mật khẩu"))
        driver.find_element(By.ID, "password").clear()
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-button").click()
        wait.until(ec.visibility_of_element_located((By.ID, "workspace")))
        assert "canbo1" in driver.find_element(By.ID, "user-name").text

        driver.find_element(By.ID, "dossier-code").send_keys(DOSSIER)
        driver.find_element(By.ID, "component").send_keys("Giấy khai sinh")
        driver.find_element(By.ID, "procedure-code").send_keys("1.000894")
        assert driver.find_element(By.ID, "reused-count").text == "0"

        # Reception first: the applicant's earlier result is offered, for the component it
        # satisfies, before anyone searches.
        driver.find_element(By.ID, "applicant-id").send_keys(CITIZEN_ID)
        driver.find_element(By.ID, "reception-button").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "dossier-message"), "Đã tiếp nhận"))
        assert "Có 1 kết quả" in driver.find_element(By.ID, "dossier-message").text
        offer = wait.until(
            ec.visibility_of_element_located(
                (By.CSS_SELECTOR, f".proposal[data-result-id='{result_id}']")
            )
        )
        assert "Giấy khai sinh" in offer.text
        assert "Đăng ký kết hôn" in driver.find_element(By.ID, "procedure-name").text

        driver.find_element(By.ID, "q-id").send_keys(CITIZEN_ID)
        driver.find_element(By.ID, "search-button").click()
        card = wait.until(
            ec.visibility_of_element_located(
                (By.CSS_SELECTOR, f".result-card[data-result-id='{result_id}']")
            )
        )
        assert "Giấy khai sinh" in card.text and "NGUYỄN VĂN ĐỨC" in card.text
        assert "Xem bản gốc" in card.text
        thumb = card.find_element(By.CSS_SELECTOR, "img.thumb")
        wait.until(lambda d: d.execute_script("return arguments[0].naturalWidth", thumb) > 0)

        card.find_element(By.CSS_SELECTOR, ".attach-button").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "reused-count"), "1"))
        components = driver.find_element(By.ID, "components").text
        assert "Giấy khai sinh" in components and "Tái sử dụng" in components
        assert "Đã gắn" in driver.find_element(By.ID, "dossier-message").text

        # Name and birth date, the date typed day/month/year whatever the browser's locale.
        driver.find_element(By.CSS_SELECTOR, "input[name='mode'][value='name']").click()
        driver.find_element(By.ID, "q-name").send_keys("Nguyen Van Duc")
        driver.find_element(By.ID, "q-dob").send_keys("31/02/2024")
        driver.find_element(By.ID, "search-button").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "search-message"), "ngày/tháng/năm"))
        driver.find_element(By.ID, "q-dob").clear()
        driver.find_element(By.ID, "q-dob").send_keys("12/03/2024")
        driver.find_element(By.ID, "search-button").click()
        wait.until(
            ec.visibility_of_element_located(
                (By.CSS_SELECTOR, f".result-card[data-result-id='{result_id}']")
            )
        )

        # The unit's files: the seeded scan is listed with its state in Vietnamese.
        driver.find_element(By.CSS_SELECTOR, ".tab[data-tab='intake-tab']").click()
        row = wait.until(
            ec.visibility_of_element_located((By.CSS_SELECTOR, "#intake-rows tr[data-scan-id]"))
        )
        assert "khai sinh.pdf" in row.text and "Chờ xử lý" in row.text
        assert "1 / 1 tệp" in driver.find_element(By.ID, "intake-message").text
    finally:
        driver.quit()


CARD = {
    "full_name": "NGUYỄN VĂN ĐỨC",
    "date_of_birth": "2024-03-12",
    "id_number": CITIZEN_ID,
    "expiry_date": "2049-03-12",
}


def test_reception_proposes_the_card_and_birth_certificate_and_acceptance_moves_the_rate(
    server_url: tuple[str, int], settings: Settings, tmp_path: Path
) -> None:
    """The issue's scenario: a marriage registration received for a citizen whose ID card and
    birth certificate were digitized; both are proposed, staff accept, the reuse rate moves."""
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    base, birth_id = server_url
    index = Index(settings.index.url)
    card_id = seed_result(
        index, LocalObjectStore(settings.storage.local_root), CARD, doc_type="id_card", tag="c"
    )
    index.dispose()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    wait = WebDriverWait(driver, WAIT_SECONDS)
    report = base + "/api/reports?from=2024-03-01&to=2024-03-31&format=json"
    try:
        driver.get(base + "/")
        wait.until(ec.visibility_of_element_located((By.ID, "login-form")))
        driver.find_element(By.ID, "username").send_keys("canbo1")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-button").click()
        wait.until(ec.visibility_of_element_located((By.ID, "workspace")))
        wait.until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#procedures option[value='1.000894']")
        )
        driver.find_element(By.ID, "dossier-code").send_keys(DOSSIER)
        driver.find_element(By.ID, "procedure-code").send_keys("1.000894")
        driver.find_element(By.ID, "applicant-id").send_keys(CITIZEN_ID)
        driver.find_element(By.ID, "reception-button").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "dossier-message"), "Có 2 kết quả"))
        offers = driver.find_element(By.ID, "offers").text
        assert "Tờ khai đăng ký kết hôn" in offers and "Nhận giấy tờ và số hóa" in offers

        def reuse_rate() -> str:
            """The month's reuse rate, fetched by the page itself (same session, page kept)."""
            return str(
                driver.execute_async_script(
                    "const done = arguments[arguments.length - 1];"
                    "fetch(arguments[0], {credentials: 'same-origin'}).then((r) => r.json())"
                    ".then((r) => { const f = r.overall.figures.find("
                    "(x) => x.indicator === 'reuse'); "
                    "done(`${f.rate.numerator}/${f.rate.denominator}`); });",
                    report,
                )
            )

        assert reuse_rate() == "0/1"  # received, nothing reused yet: in the denominator
        for result_id in (card_id, birth_id):
            row = driver.find_element(By.CSS_SELECTOR, f".proposal[data-result-id='{result_id}']")
            row.find_element(By.CSS_SELECTOR, ".accept-button").click()
            wait.until(
                ec.text_to_be_present_in_element(
                    (By.CSS_SELECTOR, f".proposal[data-result-id='{result_id}']"), "Đã dùng lại"
                )
            )
        assert driver.find_element(By.ID, "reused-count").text == "2"
        assert reuse_rate() == "1/1"
    finally:
        driver.quit()
