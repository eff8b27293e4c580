"""The web UI in a real headless Chromium (Debian chromium + chromium-driver, driven by Selenium).

Skipped, with the reason, when Selenium, /usr/bin/chromium or /usr/bin/chromedriver is missing.
Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from storyline.store import Store
from tests.api.liveserver import Live, live_server
from tests.api.storydata import hostile_story, old_story, xi_story

CHROMIUM = Path(os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("STORYLINE_CHROMEDRIVER", "/usr/bin/chromedriver"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.slow


def _skip_reason() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium==4.52.0)"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not path.exists():
            return f"{path} is missing (apt-get install {package})"
    return None


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Live, dict[str, Any]]]:
    reason = _skip_reason()
    if reason:
        pytest.skip(f"browser tests need a local Chromium: {reason}")
    tmp = tmp_path_factory.mktemp("browser")
    db = tmp / "web.db"
    with Store(db) as store:
        old = old_story(store)
        xi = xi_story(store, related=[old["id"]])
        hostile = hostile_story(store)
    with live_server(db, tmp / "token", refresh_stories=False) as server:
        yield server, {"xi": xi, "old": old, "hostile": hostile}


@pytest.fixture(scope="module")
def driver(live: Any) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager go to the network
    profile = tempfile.mkdtemp(prefix="storyline-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--disable-extensions", "--disable-default-apps", f"--user-data-dir={profile}", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    drv.set_page_load_timeout(30)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _shot(driver: Any, name: str) -> Path:
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    return path


def _in_viewport(driver: Any, element: Any) -> bool:
    return bool(driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth;", element))


def test_story_page_renders_matrix_and_highlights(driver: Any, live: Any) -> None:
    from selenium.webdriver.common.by import By

    server, _ = live
    driver.set_window_size(1280, 900)
    driver.get(f"{server.url}/stories/st-xi2025")
    assert "Xi Jinping" in driver.title
    rows = driver.find_elements(By.CSS_SELECTOR, "table.matrix tbody tr")
    assert len(rows) == 4
    headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "table.matrix thead th")]
    assert headers == ["claim", "Reuters", "AP", "TASS"]
    for state in ("corroborated", "single_source", "contested", "omitted"):
        cells = driver.find_elements(By.CSS_SELECTOR, f"table.matrix td.c-{state}")
        assert cells and cells[0].is_displayed(), state
    marks = {m.text for m in driver.find_elements(By.CSS_SELECTOR, "#articles mark")}
    assert {"a shocking escalation", "historic milestone"} <= marks
    mark = driver.find_element(By.CSS_SELECTOR, "#articles mark.sensational")
    assert mark.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
    assert driver.find_elements(By.CSS_SELECTOR, "svg.timeline path.arc")
    assert len(driver.find_elements(By.CSS_SELECTOR, ".sides figure.side")) == 2
    _shot(driver, "story-page-desktop.png")
    debris = driver.find_element(By.CSS_SELECTOR, "details.debris")
    assert not debris.find_element(By.CSS_SELECTOR, "ul.removed").is_displayed()
    debris.find_element(By.TAG_NAME, "summary").click()
    assert debris.find_element(By.CSS_SELECTOR, "ul.removed").is_displayed()
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    driver.execute_script("window.scrollTo(0, document.querySelector('#coverage').offsetTop)")
    _shot(driver, "story-page-matrix.png")
    driver.execute_script("window.scrollTo(0, document.querySelector('#timeline').offsetTop)")
    _shot(driver, "story-page-timeline.png")


def test_story_page_fits_a_phone(driver: Any, live: Any) -> None:
    from selenium.webdriver.common.by import By

    server, _ = live
    driver.set_window_size(390, 844)
    try:
        driver.get(f"{server.url}/stories/st-xi2025")
        # the page itself does not scroll sideways; only the wide matrix scrolls inside its box
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
        columns = driver.find_elements(By.CSS_SELECTOR, "#articles article.doc")
        xs = {round(c.rect["x"]) for c in columns}
        assert len(xs) == 1  # article texts are stacked, not side by side
        _shot(driver, "story-page-phone.png")
    finally:
        driver.set_window_size(1280, 900)


def test_citation_click_scrolls_to_its_passage(driver: Any, live: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    server, data = live
    driver.get(f"{server.url}/stories/st-xi2025")
    cites = driver.find_elements(By.CSS_SELECTOR, "ol.briefing a.cite")
    assert len(cites) >= 3
    cite = cites[1]  # the AP citation of the first briefing sentence
    href = cite.get_attribute("href")
    target_id = href.split("#", 1)[1]
    assert target_id.startswith(f"a-{data['xi']['article_ids'][1]}-s")
    target = driver.find_element(By.ID, target_id)
    assert not _in_viewport(driver, target)
    cite.click()
    WebDriverWait(driver, 5).until(ec.url_contains("#" + target_id))
    WebDriverWait(driver, 5).until(lambda d: _in_viewport(d, target))
    assert driver.execute_script("var t = document.querySelector(':target'); return t && t.id") == target_id
    assert "passage" in target.get_attribute("class") and "flash" in target.get_attribute("class")
    assert target.text.startswith("Xi Jinping began a four-day state visit")
    _shot(driver, "citation-target.png")


def test_search_finds_a_story(driver: Any, live: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    server, _ = live
    driver.get(f"{server.url}/")
    box = driver.find_element(By.CSS_SELECTOR, "header.site input[name=q]")
    box.send_keys("Siberia pipeline", Keys.ENTER)
    time.sleep(0.2)
    assert "/search?q=Siberia+pipeline" in driver.current_url
    links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "ol.feed h2 a")]
    assert f"{server.url}/stories/st-xi2025" in links
    assert [m.text for m in driver.find_elements(By.CSS_SELECTOR, ".snippet mark")][:1] in (["Siberia"], ["pipeline"])
    _shot(driver, "search.png")
    driver.find_element(By.CSS_SELECTOR, "ol.feed h2 a").click()
    assert driver.current_url.endswith("/stories/st-xi2025")


def test_hostile_content_never_executes(driver: Any, live: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    server, data = live
    hostile = data["hostile"]
    a, b = hostile["article_ids"]
    outlet = quote(hostile["articles"][0]["outlet"], safe="")
    driver.get_log("browser")  # drop earlier messages
    pages = ["/", "/stories/st-hostile", f"/articles/{a}", f"/articles/{b}", "/articles", f"/outlets/{outlet}",
             "/search?q=pwned+script", "/search?q=" + quote("<script>window.__pwned=1</script>"),
             "/stories/" + quote("<img src=x onerror=window.__pwned=1>", safe="")]
    for page in pages:
        driver.get(server.url + page)
        assert driver.execute_script("return typeof window.__pwned") == "undefined", page
        try:
            driver.switch_to.alert
            pytest.fail(f"an alert opened on {page}")
        except NoAlertPresentException:
            pass
        assert not driver.find_elements(By.CSS_SELECTOR, "img, iframe, object, embed, [onerror], [onload], [onmouseover]"), page
        protocols = driver.execute_script(
            "return Array.from(document.querySelectorAll('a[href], [src], [action]')).map(function (e) {"
            " var v = e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action');"
            " return new URL(v, location.href).protocol; })")
        assert set(protocols) <= {"http:", "https:"}, (page, protocols)
        if page == "/stories/st-hostile":
            _shot(driver, "hostile-story.png")
            assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
            assert "<script>window.__pwned=1</script>" in driver.find_element(By.TAG_NAME, "h1").text
            # hovering a hostile "category" must not run it either
            for mark in driver.find_elements(By.CSS_SELECTOR, "mark"):
                driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))", mark)
            assert driver.execute_script("return typeof window.__pwned") == "undefined"
    problems = [e["message"] for e in driver.get_log("browser")
                if "Content Security Policy" in e["message"] or "__pwned" in e["message"] and "Failed to load resource" not in e["message"]]
    assert problems == []  # nothing even tried to run and got blocked by CSP
