import type { Locator, Page } from 'playwright-core';

/**
 * Every element that reaches beyond the window's left or right edge, and the page itself when it
 * scrolls sideways. Text kept for screen readers only (clipped to 1 px) does not count.
 */
export function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    const scroller = document.scrollingElement;
    if (scroller && scroller.scrollWidth > scroller.clientWidth) found.push(`the page scrolls sideways (${scroller.scrollWidth} > ${scroller.clientWidth})`);
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue;
      if (getComputedStyle(el).visibility === 'hidden') continue;
      if (box.right > width + 0.5 || box.left < -0.5) {
        const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
        found.push(`${name} [${Math.round(box.left)}–${Math.round(box.right)}] ${(el.textContent ?? '').trim().slice(0, 30)}`);
      }
    }
    return found;
  });
}

/** How many lines the element's text takes on screen (1: no word of it was broken onto a next line). */
export function lineCount(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    const lines = new Set<number>();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // Readings in ruby (<rt>) sit above their line; they are not lines of their own.
      if (node.parentElement?.closest('rt, rp') || !node.textContent?.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) if (rect.width > 0) lines.add(Math.round(rect.bottom));
    }
    return lines.size;
  });
}
