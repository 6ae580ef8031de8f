/**
 * Ctrl-C during a long command: the first one is the command's to handle (stop cleanly, say what was
 * saved and how to resume); a second one is Node's default, an immediate exit.
 */

/** The exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT = 130;

export interface Interrupt {
  /** Aborted on the first Ctrl-C. */
  readonly signal: AbortSignal;
  /** Stops listening (the command finished). */
  dispose(): void;
}

/** Listens for one SIGINT; `onFirst` runs then (before the signal aborts), e.g. to print what was saved. */
export function catchInterrupt(onFirst?: () => void): Interrupt {
  const controller = new AbortController();
  const handler = () => {
    process.off('SIGINT', handler);
    onFirst?.();
    controller.abort();
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}
