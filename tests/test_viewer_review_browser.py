"""The viewer and the review desk in real headless Chromium, on a scan the real pipeline read.

A generated two-page birth certificate (TIFF) goes through intake and OCR, so the page images,
boxes and OCR text are the ones sohoa stores. The browser runs in English (en-US): dates must
still be typed and shown day/month/year. With SOHOA_SCREENSHOTS=1 each test saves its
screenshot (1366×900) under docs/screenshots/.
"""

from __future__ import annotations

import json
import os
import random
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from schemas.dossiers import DossierContext
from schemas.fields import DocType
from schemas.records import ScanState
from schemas.settings import Settings
from sohoa.api.app import create_app
from sohoa.samples import CLEAN, build_document, degrade, render, write_sample
from storage.index.db import Index
from storage.index.results import save_version
from storage.index.tables import Result, Scan
from storage.objects.local import LocalObjectStore
from tests.api_fixtures import DOSSIER, PASSWORD, add_users
from tests.test_staff_page_browser import CHROMEDRIVER, CHROMIUM, WAIT_SECONDS, _require_browser
from workers.intake import ingest_file
from workers.jobs import process_scan
from workers.services import Services

pytestmark = [pytest.mark.browser, pytest.mark.ocr, pytest.mark.timeout(180)]

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
WINDOW = (1366, 900)


@dataclass
class Served:
    base: str
    result_id: int
    fields: dict[str, str]
    settings: Settings


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(settings: Settings, tmp_path: Path) -> Iterator[Served]:
    """The staff app under uvicorn, with a birth certificate read by the real pipeline."""
    services = Services.open(settings)
    add_users(services.index)
    doc = build_document(DocType.BIRTH_CERTIFICATE, random.Random(3))
    page = degrade(render(doc), CLEAN, random.Random(3))
    path = write_sample(doc, [page, page], tmp_path / "drop", "giay-khai-sinh", "tiff")
    receipt = ingest_file(
        path, DossierContext(dossier_code=DOSSIER, component="Giấy khai sinh"), services
    )
    process_scan(receipt.scan_id, services)
    with services.index.session() as session:
        row = session.query(Result).filter(Result.scan_id == receipt.scan_id).one()
        result_id = row.id
    services.index.dispose()

    index = Index(settings.index.url)
    store = LocalObjectStore(settings.storage.local_root)
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
        yield Served(f"http://127.0.0.1:{port}", result_id, dict(doc.fields), settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        index.dispose()


def _browser(tmp_path: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=en-US",  # a locale whose date picker would say mm/dd/yyyy
        "--hide-scrollbars",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(2 * WINDOW[0] - inner[0], 2 * WINDOW[1] - inner[1])  # the viewport
    return driver


def _log_in(driver: Any, wait: Any, base: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver.get(base + "/")
    wait.until(ec.visibility_of_element_located((By.ID, "login-form")))
    driver.find_element(By.ID, "username").send_keys("canbo1")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-button").click()
    wait.until(ec.visibility_of_element_located((By.ID, "workspace")))


def _screenshot(driver: Any, name: str) -> None:
    """Only when asked (SOHOA_SCREENSHOTS=1), so a CI run leaves the tree as it was."""
    if os.environ.get("SOHOA_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SCREENSHOTS / name))


def _fetch(driver: Any, method: str, path: str, body: object = None) -> Any:
    """An API call made by the page itself (same session cookie)."""
    script = (
        "const done = arguments[arguments.length - 1];"
        "const options = {method: arguments[1], credentials: 'same-origin',"
        " headers: {'X-Requested-With': 'sohoa', 'Content-Type': 'application/json'}};"
        "if (arguments[2] !== null) options.body = JSON.stringify(arguments[2]);"
        "fetch(arguments[0], options).then((r) => r.text()).then(done);"
    )
    return json.loads(driver.execute_async_script(script, path, method, body))


def _rect(driver: Any, element: Any) -> dict[str, float]:
    return dict(
        driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", element)
    )


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["left"] >= outer["left"]
        and inner["top"] >= outer["top"]
        and inner["right"] <= outer["right"]
        and inner["bottom"] <= outer["bottom"]
    )


def test_a_result_opens_in_the_viewer_with_the_fields_box_on_the_page(
    served: Served, tmp_path: Path
) -> None:
    _require_browser()
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _browser(tmp_path)
    wait = WebDriverWait(driver, WAIT_SECONDS)
    try:
        _log_in(driver, wait, served.base)
        driver.find_element(By.ID, "q-id").send_keys(served.fields["id_number"])
        driver.find_element(By.ID, "search-button").click()
        card = wait.until(
            ec.visibility_of_element_located(
                (By.CSS_SELECTOR, f".result-card[data-result-id='{served.result_id}']")
            )
        )
        thumb = card.find_element(By.CSS_SELECTOR, "img.thumb")
        wait.until(lambda d: d.execute_script("return arguments[0].naturalWidth", thumb) > 0)
        assert thumb.size["width"] >= 160  # larger than the old 120 px
        card.find_element(By.CSS_SELECTOR, ".thumb-button").click()

        image = wait.until(
            ec.visibility_of_element_located((By.CSS_SELECTOR, ".viewer-modal .viewer-image"))
        )
        wait.until(lambda d: d.execute_script("return arguments[0].naturalWidth", image) > 0)
        assert driver.execute_script("return arguments[0].naturalWidth", image) == 2480
        modal = driver.find_element(By.CSS_SELECTOR, ".viewer-modal")
        assert "Trang 1/2" in modal.text and "Giấy khai sinh" in modal.text
        pdf = modal.find_element(By.LINK_TEXT, "Tải PDF tìm kiếm được")
        assert pdf.get_attribute("href").endswith(f"/api/results/{served.result_id}/searchable.pdf")
        assert (
            modal.find_element(By.LINK_TEXT, "Tải bản gốc")
            .get_attribute("href")
            .endswith(f"/api/results/{served.result_id}/original")
        )
        # Dates in the field list day/month/year, whatever the browser's language.
        dob = modal.find_element(By.CSS_SELECTOR, ".viewer-field[data-field='date_of_birth']")
        day = served.fields["date_of_birth"]
        assert f"{day[8:10]}/{day[5:7]}/{day[:4]}" in dob.text

        modal.find_element(By.CSS_SELECTOR, ".viewer-field[data-field='full_name']").click()
        box = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".viewer-box")))
        where = _rect(driver, box)
        page = _rect(driver, image)
        assert where["width"] > 10 and where["height"] > 5
        assert _inside(where, page), (where, page)
        # The box sits where the API says the name was read, at the image's scale.
        view = _fetch(driver, "GET", f"/api/results/{served.result_id}/pages")
        [name] = [f for f in view["fields"] if f["name"] == "full_name"]
        scale = page["width"] / view["pages"][0]["width"]
        assert abs(where["left"] + 4 - (page["left"] + name["box"]["left"] * scale)) < 3
        assert abs(where["top"] + 4 - (page["top"] + name["box"]["top"] * scale)) < 3

        # The page's OCR text, folded away until asked for.
        panel = modal.find_element(By.CSS_SELECTOR, ".viewer-text")
        panel.find_element(By.TAG_NAME, "summary").click()
        text = panel.find_element(By.CSS_SELECTOR, ".viewer-text-body")
        wait.until(lambda d: text.is_displayed())
        assert served.fields["full_name"] in text.text
        _screenshot(driver, "viewer.png")

        # Zoom follows the box; another page hides it.
        driver.find_element(By.CSS_SELECTOR, ".viewer-button[aria-label='Phóng to']").click()
        zoomed = _rect(driver, box)
        assert zoomed["width"] > where["width"] * 1.2
        assert _inside(zoomed, _rect(driver, image))
        driver.find_element(By.CSS_SELECTOR, ".viewer-button[aria-label='Trang sau']").click()
        wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".viewer-bar"), "Trang 2/2"))
        wait.until(ec.invisibility_of_element_located((By.CSS_SELECTOR, ".viewer-box")))

        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
        wait.until(ec.invisibility_of_element_located((By.CSS_SELECTOR, ".viewer-modal")))
        assert not driver.find_elements(By.CSS_SELECTOR, ".viewer-modal")
    finally:
        driver.quit()


def test_the_review_desk_corrects_a_name_adds_a_missing_date_and_confirms_by_keyboard(
    served: Served, tmp_path: Path
) -> None:
    _require_browser()
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    # The first reading lost the name's marks and found no registration date; a re-OCR
    # (version 2) did better on the name but not well enough, so the result waits for a person.
    index = Index(served.settings.index.url)
    with index.session() as session:
        first = session.get(Result, served.result_id)
        assert first is not None
        fields = dict(first.fields)
        del fields["registration_date"]
        first.fields = {**fields, "full_name": "LE DIEU XUAN"}
        reread = save_version(
            session,
            Result(
                scan_id=first.scan_id,
                version=2,
                doc_type=first.doc_type,
                fields={**fields, "full_name": "LÊ DIỆU XUAN"},
                needs_review=True,
                review_reasons=["full_name:name_uncertain", "registration_date:missing"],
                mean_confidence=0.8,
                engine={**first.engine, "reocr_batch": "1"},
                derived_prefix=first.derived_prefix,
                unit_code=first.unit_code,
                dossier_code=first.dossier_code,
            ),
        )
        review_id = reread.id
        scan = session.get(Scan, first.scan_id)
        assert scan is not None
        scan.current_version = 2
        scan.state = ScanState.NEEDS_REVIEW.value
    index.dispose()
    id_search = {"id_number": served.fields["id_number"]}

    driver = _browser(tmp_path)
    wait = WebDriverWait(driver, WAIT_SECONDS)
    try:
        _log_in(driver, wait, served.base)
        before = _fetch(driver, "POST", "/api/search/id-number", id_search)
        assert before["results"][0]["attachable"] is False

        driver.find_element(By.CSS_SELECTOR, ".tab[data-tab='review-tab']").click()
        item = wait.until(
            ec.visibility_of_element_located(
                (By.CSS_SELECTOR, f".desk-item[data-result-id='{review_id}']")
            )
        )
        assert "dấu của tên có thể bị đọc nhầm" in item.text  # the reason in words, no code
        form = wait.until(ec.visibility_of_element_located((By.ID, "review-form")))
        assert "Ngày đăng ký: thiếu thông tin bắt buộc" in form.text
        assert "registration_date" not in form.text and "name_uncertain" not in form.text
        image = wait.until(
            ec.visibility_of_element_located((By.CSS_SELECTOR, ".desk-viewer .viewer-image"))
        )
        wait.until(lambda d: d.execute_script("return arguments[0].naturalWidth", image) > 0)
        # Every field of a birth certificate has an input, the missing one marked and focused.
        assert len(form.find_elements(By.CSS_SELECTOR, ".desk-field")) == 15
        missing = form.find_element(By.CSS_SELECTOR, ".desk-field[data-field='registration_date']")
        assert "missing" in str(missing.get_attribute("class")) and "Còn thiếu" in missing.text
        active = driver.switch_to.active_element
        assert active.get_attribute("id") == "review-field-registration_date"
        day = served.fields["date_of_birth"]
        dob = form.find_element(By.ID, "review-field-date_of_birth")
        assert dob.get_attribute("value") == f"{day[8:10]}/{day[5:7]}/{day[:4]}"
        assert dob.get_attribute("type") == "text"

        # The missing date typed day/month/year: the slashes come by themselves.
        date = form.find_element(By.ID, "review-field-registration_date")
        date.send_keys("12072022")
        assert date.get_attribute("value") == "12/07/2022"

        # The name: its box lit on the page while it is edited; Enter goes on to the next field.
        name = form.find_element(By.ID, "review-field-full_name")
        name.click()
        box = wait.until(
            ec.visibility_of_element_located((By.CSS_SELECTOR, ".desk-viewer .viewer-box"))
        )
        assert _inside(_rect(driver, box), _rect(driver, image))
        name.send_keys(Keys.CONTROL, "a")
        name.send_keys("Lê Diệu Xuân")
        history = form.find_element(
            By.CSS_SELECTOR, ".desk-field[data-field='full_name'] .field-history"
        )
        history.find_element(By.TAG_NAME, "summary").click()
        assert "Máy đọc (OCR)" in history.text and "Máy đọc lại (OCR)" in history.text
        assert "LE DIEU XUAN" in history.text
        name.click()
        _screenshot(driver, "review-desk.png")
        name.send_keys(Keys.ENTER)
        assert driver.switch_to.active_element.get_attribute("id") == "review-field-date_of_birth"

        ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(
            Keys.CONTROL
        ).perform()
        wait.until(ec.text_to_be_present_in_element((By.ID, "review-message"), "Đã lưu bản sửa"))
        wait.until(
            ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".desk-queue-count"), "Không có")
        )

        [card] = _fetch(driver, "POST", "/api/search/id-number", id_search)["results"]
        assert card["needs_review"] is False and card["attachable"] is True
        assert card["owner_name"] == "LÊ DIỆU XUÂN" and card["version"] == 3
        assert card["issue_date"] == "2022-07-12"  # the added date now counts as the record's
        history_api = _fetch(driver, "GET", f"/api/review/{card['id']}/history")
        changes = {f["name"]: f["changes"] for f in history_api["fields"]}
        assert [
            (c["version"], c["value"], c["by_label"]) for c in changes["registration_date"]
        ] == [(3, "2022-07-12", "canbo1")]
        assert [c["value"] for c in changes["full_name"]] == [
            "LE DIEU XUAN",
            "LÊ DIỆU XUAN",
            "LÊ DIỆU XUÂN",
        ]
    finally:
        driver.quit()
