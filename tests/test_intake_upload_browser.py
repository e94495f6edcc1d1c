"""In real headless Chromium: a counter with no scanner folder uploads its scans from the page and
watches them being read; a corrupt file shows why it was quarantined; the page still works on a
phone-sized window. With ``SOHOA_SCREENSHOTS=1`` the pages are saved to ``docs/screenshots``.

The app runs as ``sohoa serve`` does without Redis: an upload's job runs on the API's own thread.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import update

import workers.jobs
from schemas.fields import DocType
from schemas.records import ScanState
from schemas.settings import Settings
from sohoa.api.app import create_app
from sohoa.procedure_catalogue import import_catalogue_file
from storage import keys
from storage.index.db import Index
from storage.index.tables import Result, Scan
from storage.objects.local import LocalObjectStore
from tests.api_fixtures import BIRTH, CITIZEN_ID, PASSWORD, UNIT, add_users, seed_result
from tests.samples_helpers import make_scan
from tests.test_staff_page_browser import (
    CHROMEDRIVER,
    CHROMIUM,
    WAIT_SECONDS,
    _free_port,
    _require_browser,
)

pytestmark = [pytest.mark.browser, pytest.mark.ocr, pytest.mark.timeout(180)]

UNIT_NAME = "UBND xã Phú Mỹ"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
WIDE = (1366, 900)
SAMPLE_SEED = 5  # HỒ QUANG HIẾU, số định danh 079223937156
SAMPLE_ID = "079223937156"
MANY, MANY_ID = 23, "001224099999"
READ_SECONDS = 2.5  # each job takes at least this long, so "Đang xử lý" is there to be seen


def _today_dossier(sequence: int) -> str:
    """A dossier received today, so this month's report counts it."""
    return f"{UNIT}-{date.today():%y%m%d}-{sequence:04d}"


def _seed_sample(index: Index, store: LocalObjectStore, folder: Path) -> dict[str, str]:
    """A generated birth certificate indexed with its own page image: a real thumbnail."""
    path, doc = make_scan(folder, DocType.BIRTH_CERTIFICATE, seed=SAMPLE_SEED)
    result_id = seed_result(index, store, doc.fields, tag="sample")
    with index.session() as session:
        row = session.get(Result, result_id)
        assert row is not None
        derived = keys.parse_derived_key(row.derived_prefix)
    assert derived is not None
    store.put_bytes(keys.page_image_key(derived.sha256, 1, 1), path.read_bytes(), "image/png")
    return doc.fields


@pytest.fixture
def server(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """The staff app under uvicorn on loopback, no Redis (jobs in-process), units named."""
    settings.ocr.searchable_pdf = False
    index = Index(settings.index.url)
    index.create_schema()
    store = LocalObjectStore(settings.storage.local_root)
    add_users(index)
    seed_result(index, store, BIRTH)
    _seed_sample(index, store, tmp_path / "sample")
    for n in range(MANY):  # one citizen with more results than a page holds
        seed_result(index, store, {**BIRTH, "id_number": MANY_ID}, with_page=False, tag=f"m{n}")
    with index.session() as session:  # read long ago, as their results say
        session.execute(update(Scan).values(state=ScanState.DONE.value))
    units = {"units": [{"code": UNIT, "name": UNIT_NAME}]}
    with index.session() as session:
        import_catalogue_file(session, "don_vi.json", json.dumps(units).encode(), by="quantri")

    produce = workers.jobs.produce_version

    def slow_produce(*args: Any, **kwargs: Any) -> Any:
        time.sleep(READ_SECONDS)
        return produce(*args, **kwargs)

    monkeypatch.setattr(workers.jobs, "produce_version", slow_produce)
    app = create_app(settings, index=index, store=store)
    port = _free_port()
    uv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        queue = app.state.sohoa._scan_queue
        if queue is not None:
            queue.wait_idle(30)  # no job left writing into tmp_path after the test
        uv.should_exit = True
        thread.join(timeout=10)
        index.dispose()


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[Any]:
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

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
        "--hide-scrollbars",
        f"--window-size={WIDE[0]},{WIDE[1]}",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    browser.set_window_size(*WIDE)
    try:
        yield browser
    finally:
        browser.quit()


def _screenshot(driver: Any, name: str) -> None:
    """Only on request: CI must not rewrite the committed pictures."""
    if os.environ.get("SOHOA_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The window's own frame takes part of its height, even headless: the page gets 1366×900.
    metrics = {"width": WIDE[0], "height": WIDE[1], "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        driver.save_screenshot(str(SCREENSHOTS / name))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _login(driver: Any, base: str, wait: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver.get(base + "/")
    wait.until(ec.visibility_of_element_located((By.ID, "login-form")))
    driver.find_element(By.ID, "username").send_keys("canbo1")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-button").click()
    wait.until(ec.visibility_of_element_located((By.ID, "workspace")))
    wait.until(lambda d: UNIT_NAME in d.find_element(By.ID, "user-name").text)


# Read in one script call: the page replaces its rows at every poll, so an element found a
# moment ago may be gone when selenium asks for its text.
_ROW_BY_NAME = """
const row = [...document.querySelectorAll('#intake-rows tr')]
  .find((tr) => tr.children[1].textContent === arguments[0]);
return row ? row.getAttribute('data-scan-id') : null;
"""
_ROW_TEXT = """
const row = document.querySelector(`#intake-rows tr[data-scan-id='${arguments[0]}']`);
return row ? row.innerText : '';
"""


def _scan_id(driver: Any, wait: Any, filename: str) -> str:
    return str(wait.until(lambda d: d.execute_script(_ROW_BY_NAME, filename)))


def _row_text(driver: Any, scan_id: str) -> Callable[[Any], str]:
    def read(_: Any) -> str:
        return str(driver.execute_script(_ROW_TEXT, scan_id))

    return read


def _cards(driver: Any) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, ".result-card"))


def test_staff_upload_scans_and_watch_them_read_or_quarantined(
    server: str, driver: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, WAIT_SECONDS)
    good, _ = make_scan(tmp_path, DocType.BIRTH_CERTIFICATE, seed=3, stem="giay khai sinh")
    corrupt = tmp_path / "to khai hong.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog" + b"\x00" * 300)
    dossier = _today_dossier(21)

    _login(driver, server, wait)
    driver.find_element(By.ID, "dossier-code").send_keys(dossier)
    driver.find_element(By.CSS_SELECTOR, ".tab[data-tab='intake-tab']").click()
    seeded = 2 + MANY
    listed = f"{seeded} / {seeded} tệp"
    wait.until(ec.text_to_be_present_in_element((By.ID, "intake-message"), listed))
    # The dossier being received is the one the upload goes to, unless staff type another.
    assert driver.find_element(By.ID, "upload-dossier").get_attribute("value") == dossier

    driver.find_element(By.ID, "upload-component").send_keys("Giấy khai sinh")
    driver.find_element(By.ID, "upload-files").send_keys(str(good))
    driver.find_element(By.ID, "upload-button").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "upload-results"), "Đã nhận tệp"))
    assert driver.find_element(By.ID, "upload-progress").get_attribute("value") == "100"
    read = _row_text(driver, _scan_id(driver, wait, "giay khai sinh.png"))
    wait.until(lambda d: "Đang xử lý" in read(d))  # the page polls while the file is read
    assert UNIT_NAME in read(driver) and f"hồ sơ {dossier}" in read(driver)
    WebDriverWait(driver, 90).until(lambda d: "Đã số hóa" in read(d) or "Cần rà soát" in read(d))

    driver.find_element(By.ID, "upload-component").clear()
    driver.find_element(By.ID, "upload-component").send_keys("Tờ khai đăng ký kết hôn")
    driver.find_element(By.ID, "upload-files").send_keys(str(corrupt))
    driver.find_element(By.ID, "upload-button").click()
    shown = _row_text(driver, _scan_id(driver, wait, "to khai hong.pdf"))
    WebDriverWait(driver, 60).until(lambda d: "Bị cách ly" in shown(d))
    assert "Tệp bị hỏng hoặc chưa ghi xong" in shown(driver)
    assert "vui lòng quét lại" in shown(driver)
    _screenshot(driver, "intake.png")


def test_search_report_and_a_phone_sized_window(server: str, driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, WAIT_SECONDS)
    driver.get(server + "/")
    wait.until(ec.visibility_of_element_located((By.ID, "login-form")))
    _screenshot(driver, "login.png")
    _login(driver, server, wait)

    # A dossier received today, its applicant's birth certificate reused: the month's report
    # has something to show.
    dossier = _today_dossier(22)
    driver.find_element(By.ID, "dossier-code").send_keys(dossier)
    driver.find_element(By.ID, "component").send_keys("Giấy khai sinh")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#procedures option[value='1.000894']"))
    driver.find_element(By.ID, "procedure-code").send_keys("1.000894")
    driver.find_element(By.ID, "applicant-id").send_keys(CITIZEN_ID)
    driver.find_element(By.ID, "reception-button").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "dossier-message"), "Đã tiếp nhận"))
    info = driver.find_element(By.ID, "dossier-info").text
    assert UNIT_NAME in info and "Đăng ký kết hôn (1.000894)" in info
    driver.find_element(By.CSS_SELECTOR, ".proposal .accept-button").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "reused-count"), "1"))

    driver.find_element(By.ID, "q-id").send_keys(SAMPLE_ID)
    driver.find_element(By.ID, "search-button").click()
    card = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".result-card")))
    assert f"đơn vị {UNIT_NAME}" in card.text and "HỒ QUANG HIẾU" in card.text
    assert driver.find_element(By.ID, "search-message").text == "Tìm thấy 1 kết quả."
    assert not driver.find_element(By.ID, "search-more").is_displayed()
    thumb = card.find_element(By.CSS_SELECTOR, "img.thumb")
    wait.until(lambda d: d.execute_script("return arguments[0].naturalWidth", thumb) > 0)
    driver.execute_script("arguments[0].closest('.panel').scrollIntoView()", thumb)
    _screenshot(driver, "search.png")

    # More results than one page: "Xem thêm" fetches the rest.
    driver.find_element(By.ID, "q-id").clear()
    driver.find_element(By.ID, "q-id").send_keys(MANY_ID)
    driver.find_element(By.ID, "search-button").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "search-message"), "đang hiển thị 20"))
    assert f"Tìm thấy {MANY} kết quả" in driver.find_element(By.ID, "search-message").text
    assert len(driver.find_elements(By.CSS_SELECTOR, ".result-card")) == 20
    driver.find_element(By.ID, "search-more").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".result-card")) == MANY)
    assert driver.find_element(By.ID, "search-message").text == f"Tìm thấy {MANY} kết quả."
    assert not driver.find_element(By.ID, "search-more").is_displayed()
    shown = [c.get_attribute("data-result-id") for c in _cards(driver)]
    assert len(set(shown)) == MANY  # the second page follows the first, nothing twice

    # Phone-sized: forms stack, cards take one column, wide tables scroll inside their box.
    driver.set_window_size(400, 900)

    def overflow() -> int:
        """How far the page is wider than the window (0: nothing to scroll sideways)."""
        return int(
            driver.execute_script(
                "const page = document.documentElement;"
                "return Math.max(page.scrollWidth - 400, page.scrollWidth - page.clientWidth);"
            )
        )

    wait.until(lambda d: d.execute_script("return window.innerWidth") <= 400)
    assert overflow() <= 0
    labels = driver.find_elements(By.CSS_SELECTOR, "#dossier-form label")
    assert len({label.location["y"] for label in labels}) == len(labels)  # one under another
    driver.find_element(By.CSS_SELECTOR, ".tab[data-tab='intake-tab']").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "intake-message"), "tệp"))
    assert overflow() <= 0
    driver.find_element(By.ID, "logout-button").click()
    wait.until(ec.visibility_of_element_located((By.ID, "login-form")))
    assert overflow() <= 0

    driver.set_window_size(*WIDE)
    _login(driver, server, wait)
    driver.get(server + "/api/reports?format=html")
    wait.until(ec.presence_of_element_located((By.TAG_NAME, "table")))
    assert "Phú Mỹ" in driver.page_source
    _screenshot(driver, "report.png")
