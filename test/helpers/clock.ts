/**
 * Rate-limit windows are aligned to the clock (`floor(now / duration)`, so every instance agrees
 * without asking the Store). Calls that straddle a window's end count in two windows: a test that
 * expects its calls to share one waits here until the current window has `marginMs` left.
 */
export async function clearOfWindowEdge(durationSeconds: number, marginMs = 5_000): Promise<void> {
  const windowMs = durationSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 50));
}
