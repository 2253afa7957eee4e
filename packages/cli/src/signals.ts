/** Signal handling shared by the long-running commands (`station run`, `vte run`). */

/** The first SIGINT/SIGTERM, as a promise; `cancel()` stops listening. */
export function signalled(): { promise: Promise<string>; cancel(): void } {
  let on: (sig: string) => void = () => {};
  const promise = new Promise<string>((resolve) => {
    on = (sig: string) => {
      cancel();
      resolve(sig);
    };
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
  });
  const cancel = () => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
  return { promise, cancel };
}

/**
 * Runs a graceful `close()` after the first signal; a second signal during it exits at once
 * with code 130 (in-flight work is picked up at the next start), after `onForced`.
 */
export async function closeGracefully(close: () => Promise<void>, onForced: () => void = () => {}): Promise<void> {
  const forced = () => {
    onForced();
    process.exit(130);
  };
  process.once('SIGINT', forced);
  process.once('SIGTERM', forced);
  try {
    await close();
  } finally {
    process.off('SIGINT', forced);
    process.off('SIGTERM', forced);
  }
}
