/**
 * Bounded-concurrency map: loaders stat or read hundreds of thousands of small files, and opening them
 * all at once exhausts file descriptors while one at a time wastes the disk's queue.
 */

/** Default number of file operations in flight. */
export const DEFAULT_FILE_CONCURRENCY = 32;

/** `fn` over `items` with at most `limit` calls pending; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  const n = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}
