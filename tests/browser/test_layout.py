"""No public page scrolls sideways, on a phone or a desktop, in the normal view or 关怀版.

Most visitors come by phone (issue 11): a page wider than the screen hides its dates and
columns off to the right. A failure names the page, the width, the mode and the elements that
stick out, outermost first, so the rule to fix is easy to find.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import MODES, WIDTHS, Site, TabFactory
from tests.browser.pages import PUBLIC_PAGES, PublicPage

pytestmark = pytest.mark.browser

# Elements reaching past the right edge of the layout viewport that are not inside a box which
# scrolls or clips them (a wide table in its own scrolling box is fine), outermost first: the
# element whose parent fits is the one that pushes the page out. Text that overflows its own
# box (a long unbreakable number or URL) is found through the box's scrollWidth.
FIND_OFFENDERS = """
() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  const describe = (el) => {
    const part = (node) => {
      let text = node.tagName.toLowerCase();
      if (node.id) text += '#' + node.id;
      for (const name of node.classList) text += '.' + name;
      return text;
    };
    // The last four steps of the path, and the nearest named ancestor when they have no name.
    const path = [];
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      if (path.length < 4) {
        path.unshift(part(node));
      } else if (path.some((step) => /[#.]/.test(step))) {
        break;
      } else if (node.id || node.classList.length) {
        path.unshift(part(node) + ' …');
        break;
      }
    }
    const rect = el.getBoundingClientRect();
    const text = (el.innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 40);
    return `${path.join(' > ')} (left ${Math.round(rect.left)}px, right ${Math.round(rect.right)}px, content ${el.scrollWidth}px wide)` + (text ? ` «${text}»` : '');
  };
  // Whether a box that scrolls or clips (overflow other than visible) holds the element in,
  // following the containing blocks: an absolutely positioned element escapes the boxes between
  // it and its nearest positioned ancestor (a visually-hidden label in a scrolling table does),
  // and a fixed one adds no scrolling at all.
  const establishes = (style) => style.position !== 'static' || style.transform !== 'none'
    || style.filter !== 'none' || /paint|layout|strict|content/.test(style.contain);
  const held = (el) => {
    let mode = getComputedStyle(el).position;
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (mode === 'fixed') return true;
      const style = getComputedStyle(node);
      if (mode === 'absolute' && !establishes(style)) continue;
      if (style.overflowX !== 'visible') return true;
      mode = style.position;
    }
    return mode === 'fixed';
  };
  const sizes = {scrollWidth: root.scrollWidth, clientWidth: limit, innerWidth: window.innerWidth};
  if (root.scrollWidth <= limit) return {...sizes, offenders: []};
  const all = Array.from(document.body.querySelectorAll('*'));
  const boxOut = (el) => {
    const rect = el.getBoundingClientRect();
    return (rect.width > 0 || rect.height > 0) && rect.right > limit + 0.5;
  };
  const outermost = (found) => found.filter((el) => !found.includes(el.parentElement));
  let offenders = outermost(all.filter((el) => boxOut(el) && !held(el)));
  if (offenders.length === 0) {
    const textOut = all.filter((el) => getComputedStyle(el).overflowX === 'visible'
      && el.scrollWidth > el.clientWidth + 1
      && el.getBoundingClientRect().left + el.scrollWidth > limit + 0.5 && !held(el));
    offenders = textOut.filter((el) => !textOut.some((other) => other !== el && el.contains(other)));
  }
  offenders.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
  return {...sizes, offenders: offenders.slice(0, 5).map(describe)};
}
"""


def _overflow_report(page_id: str, width: int, mode: str, found: dict[str, Any]) -> str:
    offenders = (
        "\n  ".join(found["offenders"])
        or "(no element found outside a scrolling box: see the page)"
    )
    return (
        f"{page_id} at {width}px ({mode}) scrolls sideways: the page is {found['scrollWidth']}px "
        f"wide in a {found['clientWidth']}px window (innerWidth {found['innerWidth']}px); "
        f"sticking out, widest first:\n  {offenders}"
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=lambda page: page.id)
def test_no_public_page_scrolls_sideways(
    public_page: PublicPage, width: int, mode: str, site: Site, tab: TabFactory
) -> None:
    page = tab(width, mode)
    url = public_page.open(page, site)
    if url is None:
        pytest.skip(public_page.missing())
    found = page.evaluate(FIND_OFFENDERS)
    # A phone zooms out to fit a page wider than its screen, which widens innerWidth: the page
    # must fit the layout viewport, and the layout viewport must be the screen.
    fits = found["scrollWidth"] <= found["clientWidth"] and found["innerWidth"] <= width
    if not fits:
        pytest.fail(
            f"{url}: " + _overflow_report(public_page.id, width, mode, found), pytrace=False
        )
