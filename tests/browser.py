"""A real headless Chromium (Debian's `chromium` and `chromium-driver`), driven by selenium,
working a notebook in JupyterLab the way a learner does: select a cell, Shift+Enter."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI, wait_for

BROWSER, DRIVER = "chromium", "chromedriver"


def require_browser() -> tuple[str, str]:
    """The browser and its driver; outside CI, skip the test (with how to install them)
    when they are missing. CI installs them, so there a missing one fails the test."""
    browser, driver = shutil.which(BROWSER), shutil.which(DRIVER)
    if browser and driver:
        return browser, driver
    if IN_CI:
        pytest.fail(f"{BROWSER} or {DRIVER} is missing: .ci/run should have installed them")
    pytest.skip(f"no headless browser here: apt-get install {BROWSER} chromium-driver")


@contextmanager
def chromium(folder: Path, width: int = 1280, height: int = 1000) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = require_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", f"--window-size={width},{height}",
                     f"--user-data-dir={folder / 'chromium'}"):
        options.add_argument(argument)
    # An explicit driver path: selenium then never tries to download one.
    session = webdriver.Chrome(options=options, service=Service(driver))
    try:
        yield session
    finally:
        session.quit()


def wait_until(condition: Any, what: str, timeout: float = 60.0) -> Any:
    return wait_for(condition, what, timeout, poll=0.1)
