"""The editor dashboard in Chromium, in English and in Sorani: the admin's first page for editors.

Besides the screenshots (docs/screenshots/admin-dashboard.png and admin-dashboard-ckb.png), the
browser measures what a person would notice: no two labels of a chart overlap, every label stays
inside its chart, and in Sorani the page and its time axes run right to left (the newest hour at
the left end of the line).
"""

import pytest
from playwright.sync_api import Page, expect

from backend.roles import EDITOR
from tests.browser.conftest import log_in_as, screenshot
from tests.notifications.dashboard_data import fill_dashboard

pytestmark = pytest.mark.browser

# For each chart: its labels' boxes, the pairs that overlap and the labels outside the drawing.
LABEL_PROBLEMS = """
(svgs) => svgs.map((svg) => {
  const frame = svg.getBoundingClientRect();
  const boxes = [...svg.querySelectorAll("text")].map((text) => [text.textContent, text.getBoundingClientRect()]);
  const overlapping = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i][1], boxes[j][1]];
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
        overlapping.push(`${boxes[i][0]} / ${boxes[j][0]}`);
      }
    }
  }
  const outside = boxes.filter(([, box]) => box.left < frame.left - 0.5 || box.right > frame.right + 0.5
    || box.top < frame.top - 0.5 || box.bottom > frame.bottom + 0.5).map(([label]) => label);
  return {labels: boxes.length, overlapping, outside};
})
"""
# The x of the first and the last point of the views chart's first line.
LINE_ENDS = """
(svg) => {
  const points = svg.querySelector("polyline").getAttribute("points").trim().split(" ");
  return [parseFloat(points[0]), parseFloat(points[points.length - 1])];
}
"""


def assert_charts_readable(page: Page) -> None:
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(3)
    for chart in charts.evaluate_all(LABEL_PROBLEMS):
        assert chart["labels"] > 4
        assert chart["overlapping"] == [], chart
        assert chart["outside"] == [], chart


def test_an_editor_sees_the_dashboard_in_english_and_in_sorani(page: Page):
    fill_dashboard()
    log_in_as(page, EDITOR)  # lands on /admin/

    expect(page.locator("h1")).to_have_text("Newsroom dashboard")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", name="Top articles today")).to_be_visible()
    expect(page.locator(".dashboard-top tbody tr").first).to_contain_text("بوومەلەرزەیەکی بەهێز هەولێری هەژاند")
    expect(page.locator(".dashboard-top")).not_to_contain_text("Withdrawn")
    expect(page.get_by_role("img", name="Views per hour by edition, the last 48 hours")).to_be_visible()
    expect(page.locator(".dashboard-alerts tbody tr")).to_have_count(6)
    assert_charts_readable(page)
    oldest, newest = page.locator("#dashboard-views svg.chart").evaluate(LINE_ENDS)
    assert oldest < newest  # English: time runs to the right
    screenshot(page, "admin-dashboard", full_page=True)

    page.get_by_role("link", name="کوردی").click()

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ckb")
    expect(page.locator("h1")).to_have_text("داشبۆردی ژووری هەواڵ")
    assert_charts_readable(page)
    oldest, newest = page.locator("#dashboard-views svg.chart").evaluate(LINE_ENDS)
    assert oldest > newest  # Sorani: time runs to the left
    screenshot(page, "admin-dashboard-ckb", full_page=True)

    # The choice is remembered: the dashboard stays in Sorani without ?lang=.
    page.goto("/admin/")
    expect(page.locator("html")).to_have_attribute("lang", "ckb")
