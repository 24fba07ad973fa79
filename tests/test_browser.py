"""The refund lesson as a learner meets it: JupyterLab started by `make lab`, the exercises
opened in a real headless Chromium, cells run one by one with Shift+Enter, and what the page
renders checked: the status line, a failing test cell, the self-check's checklist, a job
table and the lifecycle diagram.

`make screenshots` runs this test with TRAINER_SCREENSHOTS set: it then also saves the
README's pictures of the lesson in that folder."""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from pathlib import Path
from typing import Any

from tests.browser import chromium, require_browser, wait_until
from tests.lab import running_lab

NOTEBOOK = "/lab/tree/exercises/04_refunding_an_order.ipynb"
# trainer.notebook.display's colours, as the browser computes them
GREEN, RED = "rgba(26, 127, 55, 1)", "rgba(207, 34, 46, 1)"


def _quiet_settings(folder: Path) -> None:
    """No "get notified about Jupyter news?" toast over the notebook; and every cell of a
    notebook in the page, not only those in view (JupyterLab draws long notebooks in
    windows, and a cell out of view would have no source to find)."""
    settings = folder / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    notebooks = folder / "settings" / "@jupyterlab" / "notebook-extension"
    notebooks.mkdir(parents=True)
    (notebooks / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))


def _cells(driver: Any) -> list[Any]:
    """The cells of the notebook in view (the tabs opened before it stay in the page,
    hidden)."""
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(
        By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell"))


def _current_tab(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return " ".join(tab.text for tab in driver.find_elements(
        By.CSS_SELECTOR, ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current"))


def _prompt(cell: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").text)


def _open(driver: Any, url: str, cells: int = 20,
          first: str = "from trainer.lesson import *") -> list[Any]:
    """The notebook at `url`, once its cells are there (more than `cells` of them, one of
    them starting with `first`: not the page before's) and its kernel is idle."""
    from selenium.webdriver.common.by import By

    driver.get(url)

    name = url.split("?")[0].rsplit("/", 1)[-1]

    def loaded() -> list[Any] | None:
        try:
            # JupyterLab reopens the tabs of before first: wait for this one to be in view.
            if name not in _current_tab(driver):
                return None
            now = _cells(driver)
            return now if len(now) > cells and any(_source(cell).startswith(first)
                                                   for cell in now
                                                   if "jp-CodeCell" in cell.get_attribute(
                                                       "class")) else None
        except Exception:  # noqa: BLE001 - the page changing under us: look again
            return None

    found = wait_until(loaded, "the notebook's cells")
    wait_until(lambda: "Idle" in driver.find_element(By.ID, "jp-main-statusbar").text,
               "an idle kernel")
    return list(found)


def _run_cells(driver: Any, cells: list[Any], start: int, stop: int) -> None:
    """Select cell `start` and press Shift+Enter until cell `stop` has run, waiting for
    each code cell until its prompt shows its execution count, as a learner would."""
    from selenium.common.exceptions import ElementNotInteractableException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    prompt = cells[start].find_element(By.CSS_SELECTOR, ".jp-InputPrompt")

    def selected() -> bool:
        # A page still settling (a notebook just opened) may not take the click yet; a
        # code cell's prompt sometimes never does, and its first line then takes it.
        targets = [prompt, *cells[start].find_elements(By.CSS_SELECTOR, ".cm-line")[:1]]
        for target in targets:
            try:
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'})",
                                      target)
                target.click()
                return True
            except ElementNotInteractableException:
                continue
        return False

    wait_until(selected, f"cell {start} to take a click")
    for index in range(start, stop + 1):
        before = _prompt(cells[index])
        ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(
            Keys.SHIFT).perform()
        if "jp-CodeCell" in cells[index].get_attribute("class"):
            wait_until(lambda cell=cells[index], before=before: re.fullmatch(
                r"\[\d+\]:", now := _prompt(cell)) and now != before,
                f"cell {index} to finish", timeout=120)


def _retype_line(driver: Any, cell: Any, starting: str, text: str) -> None:
    """Click into the line of `cell` that starts with `starting`, select it and type `text`
    over it; then leave the editor (Escape)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    [line] = [line for line in cell.find_elements(By.CSS_SELECTOR, ".cm-line")
              if line.text.strip().startswith(starting)][:1]
    line.click()
    ActionChains(driver).send_keys(Keys.END).key_down(Keys.SHIFT).send_keys(Keys.HOME) \
        .key_up(Keys.SHIFT).send_keys(text).send_keys(Keys.ESCAPE).perform()
    wait_until(lambda: text in _source(cell), "the typed line")


def _outputs(cell: Any, selector: str = ".jp-OutputArea-output") -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(cell.find_elements(By.CSS_SELECTOR, selector))


def _source(cell: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(cell.find_element(By.CSS_SELECTOR, ".jp-InputArea-editor").text)


def _find(cells: list[Any], start: str) -> Any:
    [cell] = [cell for cell in cells if _source(cell).startswith(start)][:1]
    return cell


def _screenshot(driver: Any, cell: Any, name: str) -> None:
    """With TRAINER_SCREENSHOTS set, the window with `cell` at its top, as `name`.png."""
    folder = os.environ.get("TRAINER_SCREENSHOTS")
    if not folder:
        return
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", cell)
    wait_until(lambda: driver.execute_script(
        "return arguments[0].getBoundingClientRect().top < 200", cell), "the scroll")
    Path(folder).mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def test_the_exercises_render_as_a_learner_sees_them(tmp_path):
    from selenium.webdriver.common.by import By

    require_browser()
    _quiet_settings(tmp_path)
    with running_lab(tmp_path) as lab, chromium(tmp_path) as driver:
        cells = _open(driver, lab.url(NOTEBOOK))
        worker = _find(cells, "class Refunder(Worker):\n    def perform")
        # A plausible first answer: the order is loaded, and never refunded.
        _retype_line(driver, worker, "your_turn(", 'get_order(job.args["id"])')
        _run_cells(driver, cells, 0, 18)  # to step 3's lifecycle diagram

        status = _find(cells, "from trainer.lesson import *")
        assert re.search(r"PostgreSQL [\d.]+ ready \(embedded", status.text), status.text

        # A failing test cell: pytest's report, then one short line; no traceback box.
        test_cell = _find(cells, "%%ipytest\nimport pytest")
        text = test_cell.text
        assert "test_refunding_an_order_unknown_to_the_payment_provider_fails" in text
        [error] = _outputs(test_cell, '[data-mime-type="application/vnd.jupyter.stderr"]')
        assert error.text.strip() == "1 of 2 tests failed.", error.text
        number = _prompt(test_cell).strip("[]:")
        assert f"Cell In[{number}]:11: in test_refunding_an_order_unknown" in text, text
        for noise in ("Traceback", "run_cell_magic", "ipytest failed", "trainer/"):
            assert noise not in text, noise
        assert not re.search(r"t_[0-9a-f]{32}", text)

        # The self-check: an HTML checklist, green ticks and red crosses, hints apart.
        check = _find(cells, 'check("worker")')
        [checklist] = _outputs(check, ".trainer-check")
        marks = checklist.find_elements(By.CSS_SELECTOR, "li > span")
        colours = {mark.text: mark.value_of_css_property("color") for mark in marks}
        assert colours == {"✓": GREEN, "✗": RED}, colours
        assert "· 2 of 3" in checklist.text, checklist.text
        assert "refund_order raises for an order with total 99" in checklist.text

        # The two inserts of step 2, as a table of jobs with times relative to now.
        inserts = _find(cells, "with Repo.sandbox():")
        [table] = _outputs(inserts, "table.trainer-jobs")
        headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "th")]
        assert headers[:3] == ["id", "worker", "state"], headers
        rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
        assert len(rows) == 2 and all("available" in row.text for row in rows)
        assert all(re.search(r"\bnow \(|\d+ s ago \(", row.text) for row in rows), \
            [row.text for row in rows]
        for cell in table.find_elements(By.CSS_SELECTOR, "td"):
            assert cell.value_of_css_property("text-align") in ("left", "start")
        for stamp in table.find_elements(By.CSS_SELECTOR, "td span"):  # one line each
            assert stamp.size["height"] < 1.6 * float(
                stamp.value_of_css_property("font-size").rstrip("px")), stamp.text

        # The lifecycle diagram, drawn by the package as SVG (JupyterLab shows SVG output
        # as an image of it), loaded and drawn at its size.
        diagram = _find(cells, "lifecycle()")
        [image] = _outputs(diagram, '[data-mime-type="image/svg+xml"] img')
        wait_until(lambda: driver.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth", image), "the image")
        drawn = urllib.parse.unquote(image.get_attribute("src"))
        assert drawn.startswith("data:image/svg+xml"), drawn[:80]
        for state in ("available", "executing", "retryable", "discarded", "cancelled"):
            assert f">{state}</text>" in drawn, state
        assert image.size["width"] > 400, image.size

        _screenshot(driver, test_cell, "lesson-test-and-check")
        _screenshot(driver, inserts, "lesson-jobs")
        _screenshot(driver, diagram, "lesson-lifecycle")

        # The right answer, then the worker, its tests and its check run again.
        _retype_line(driver, worker, "get_order(",
                     'return refund_order(get_order(job.args["id"]), job.args["reason"])')
        _run_cells(driver, cells, cells.index(worker), cells.index(check))
        assert not _outputs(test_cell, '[data-mime-type="application/vnd.jupyter.stderr"]')
        assert "2 passed" in test_cell.text
        [checklist] = _outputs(check, ".trainer-check")
        assert "All 3 checks pass. Well done!" in checklist.text


def test_the_start_page_and_every_lesson_open_and_run_their_first_check(tmp_path):
    """Every lesson as a learner first meets it: the start page lists it, its exercises
    open, the set-up cell says which database it chose, and its first check runs and
    renders its checklist (crosses: nothing is written yet)."""
    from selenium.webdriver.common.by import By

    from trainer.lessons import all_lessons

    require_browser()
    _quiet_settings(tmp_path)
    lessons = all_lessons()
    with running_lab(tmp_path) as lab, chromium(tmp_path) as driver:
        cells = _open(driver, lab.url("/lab/tree/START_HERE.ipynb"), cells=3,
                      first="from trainer.notebook.course_view import course")
        _run_cells(driver, cells, len(cells) - 1, len(cells) - 1)
        [table] = _outputs(cells[-1], "table.trainer-course")
        rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
        assert [row.text.split(" · ")[0] for row in rows] == [str(x.number) for x in lessons]
        links = {urllib.parse.urlparse(a.get_attribute("href")).path
                 for a in cells[1].find_elements(By.CSS_SELECTOR, "a")}
        for x in lessons:
            assert f"/files/{x.exercises}" in links and f"/files/{x.solutions}" in links, links

        for lesson in lessons:
            cells = _open(driver, lab.url(f"/lab/tree/{lesson.exercises}"), cells=3)
            sources = [_source(cell) for cell in cells]
            first_check = next((index for index, source in enumerate(sources)
                                if source.startswith("check(")), None)
            assert first_check is not None, (lesson.slug, [s[:30] for s in sources])
            setup = sources.index("from trainer.lesson import *")
            _run_cells(driver, cells, setup, first_check)
            status = cells[setup]
            assert re.search(r"PostgreSQL [\d.]+ ready", status.text), (lesson.slug, status.text)
            [checklist] = _outputs(cells[first_check], ".trainer-check")
            assert f"Self-check: {lesson.steps[0].name}" in checklist.text, checklist.text
            assert "✗" in checklist.text and "Hint 1:" in checklist.text, checklist.text
