// Frame sampling in a page: the gaps between requestAnimationFrame callbacks over a stretch of
// time, as the e2e test and tools/frame-bench.mjs report them.

/** Resolves to every frame gap (ms) in the page over the next `ms` milliseconds. */
export function sampleFrames(page, ms) {
  return page.evaluate((ms) => new Promise((resolve) => {
    const out = []; let last = performance.now(); const end = last + ms;
    const tick = (t) => { out.push(t - last); last = t; if (t < end) requestAnimationFrame(tick); else resolve(out); };
    requestAnimationFrame(tick);
  }), ms);
}

/** `{ median, longest }` of frame gaps. */
export function frameFigures(frames) {
  const sorted = [...frames].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)], longest: sorted[sorted.length - 1] };
}
