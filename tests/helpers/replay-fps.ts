import type { Locator } from 'playwright-core';

export interface ReplayFps {
  /** Frames of the replay drawn per second of wall time, while the player asked for more than that. */
  fps: number;
  framesDrawn: number;
  seconds: number;
  /** requestAnimationFrame callbacks per second meanwhile: the display's own rate, the ceiling of fps. */
  rafPerSecond: number;
  /** Frames in the replay, and the speed it was played at. */
  frames: number;
  speed: number;
  /** The longest main-thread task while it played (Chromium's long tasks: 0 when none took over 50 ms). */
  longestTaskMs: number;
}

/**
 * Replay a rendered space-time replay (a `.jp-distlab-replay` output) from its start at `speed`
 * through its own controls, and count in the page, with requestAnimationFrame, how many frames were
 * drawn per second. At 4× the player asks for 120 frames a second (30 at 1×), more than a display
 * shows, so the rate measured is what the page sustains. Used by the lab test and `npm run bench`.
 */
export async function measureReplayFps(replay: Locator, speed = 4): Promise<ReplayFps> {
  return replay.evaluate(async (node: HTMLElement, speedChoice: number) => {
    const select = node.querySelector('select.jp-distlab-replay-speed') as HTMLSelectElement | null;
    const scrubber = node.querySelector('input.jp-distlab-replay-scrubber') as HTMLInputElement | null;
    const play = node.querySelector('button.jp-distlab-replay-play') as HTMLButtonElement | null;
    if (!select || !scrubber || !play) throw new Error('not a replay output: no player controls');
    if (![...select.options].some((o) => o.value === String(speedChoice))) throw new Error(`speed ${speedChoice} is not offered`);
    const settle = async () => {
      const until = performance.now() + 5000;
      while (node.dataset.frame !== scrubber.value && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
    };
    select.value = String(speedChoice);
    select.dispatchEvent(new Event('change'));
    scrubber.value = '0';
    scrubber.dispatchEvent(new Event('input'));
    await settle();
    const drawnBefore = Number(node.dataset.framesDrawn ?? 0);
    if (!PerformanceObserver.supportedEntryTypes.includes('longtask')) throw new Error('this browser reports no long tasks');
    let longestTaskMs = 0;
    const longTasks = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longestTaskMs = Math.max(longestTaskMs, entry.duration);
    });
    longTasks.observe({ type: 'longtask' });
    let ticks = 0;
    const started = performance.now();
    play.click();
    await new Promise<void>((resolve) => {
      const tick = () => {
        ticks++;
        if (node.dataset.playing === 'false') resolve();
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const seconds = (performance.now() - started) / 1000;
    const framesDrawn = Number(node.dataset.framesDrawn ?? 0) - drawnBefore;
    for (const entry of longTasks.takeRecords()) longestTaskMs = Math.max(longestTaskMs, entry.duration);
    longTasks.disconnect();
    return { fps: framesDrawn / seconds, framesDrawn, seconds, rafPerSecond: ticks / seconds, frames: Number(scrubber.max) + 1, speed: speedChoice, longestTaskMs };
  }, speed);
}
