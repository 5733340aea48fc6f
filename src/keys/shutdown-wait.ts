/**
 * Shutdown must not hang on best-effort work (a last-used flush, an expiry
 * sweep) when the store has gone away: wait for it at most `ms`, then let
 * shutdown go on. What was not written is approximate data or will be redone.
 */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

export const SHUTDOWN_WAIT_MS = 3_000;
