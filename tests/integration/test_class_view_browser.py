"""The teacher page's "Class" tab in a real Chromium (Playwright), after the scripted run of
two learners of tests/bots/test_class_report.py: one bar group per section, the sections the
class struggles with marked, the page working under its CSP with no script."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.bots.test_class_report import Run, scripted_run
from tests.integration.test_widget_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    yield from scripted_run()


def test_class_view_in_chromium(run: Run) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: the browser test needs Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    titles = run.tutor.section_titles()
    assert titles == ["Building", "Fall", "Launch"]

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_context(viewport={"width": 1000, "height": 900}).new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on(
                "console",
                lambda m: problems.append(m.text) if m.type in ("error", "warning") else None,
            )

            # through the page: the review page's nav leads to the tab
            page.goto(f"{run.url}/teacher?key={run.teacher}")
            page.get_by_role("link", name="Class", exact=True).click()
            page.wait_for_url("**view=class**")
            chart = page.locator("svg.class-chart")
            expect(chart).to_be_visible()

            groups = chart.locator("g.section")
            expect(groups).to_have_count(len(titles))
            assert [g.get_attribute("data-section") for g in groups.all()] == titles
            struggling = chart.locator("g.section.struggling")
            expect(struggling).to_have_count(2)
            assert [g.get_attribute("data-section") for g in struggling.all()] == [
                "Building",
                "Fall",
            ]
            # not by colour alone: the words are drawn beside each struggling section
            for g in struggling.all():
                expect(g.locator("text.marker")).to_have_text("⚠ struggling")
            calm = chart.locator('g.section[data-section="Launch"]')
            expect(calm.locator("text.marker")).to_have_count(0)

            # the bars as drawn: Fall asked most (3), Building's first tries all wrong, Launch's
            # all right
            def width(section: str, bar: str) -> float:
                box = chart.locator(
                    f'g.section[data-section="{section}"] rect.{bar}'
                ).bounding_box()
                assert box is not None, (section, bar)
                return float(box["width"])

            assert width("Fall", "answered") + width("Fall", "refused") == pytest.approx(
                3 * (width("Building", "answered") + width("Building", "refused")), abs=2
            )
            assert width("Fall", "refused") == pytest.approx(2 * width("Fall", "answered"), abs=2)
            assert width("Building", "first-try") == 0
            assert width("Launch", "first-try") > 0
            band = struggling.first.locator("rect.band")
            expect(band).to_be_visible()

            # the table below says the same in words
            rows = page.locator("table.class-figures tr.struggling")
            expect(rows).to_have_count(2)
            expect(rows.first).to_contain_text("first tries right 0 of 2 times")
            expect(page.locator("table.class-missed")).to_contain_text("2 of 3 attempts")
            expect(page.locator("table.class-uncovered")).to_contain_text("border")
            page.screenshot(path=str(ARTIFACTS / "class-view.png"), full_page=True)
            tooltip: Any = groups.first.locator("title").text_content()
            assert "Building: questions 1 (1 answered" in tooltip and "Struggling" in tooltip
        finally:
            browser.close()
    assert problems == [], problems
