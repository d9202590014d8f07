/** Scrolls a log's viewport sideways so that `el` (a Find match in a long line) is in view; vertical scrolling is the pane's. */
export function revealSideways(viewport: HTMLElement, el: HTMLElement): void {
  const v = viewport.getBoundingClientRect();
  const m = el.getBoundingClientRect();
  const margin = Math.min(40, v.width / 4);
  if (m.left < v.left + margin) viewport.scrollLeft -= v.left + margin - m.left;
  else if (m.right > v.right - margin) viewport.scrollLeft += m.right - (v.right - margin);
}
