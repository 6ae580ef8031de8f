/**
 * A bounded read-ahead over an async iterable: up to `depth` items are requested before the consumer
 * asks, so the producer (ffmpeg decoding, frame files decoding) works while the consumer (detection,
 * inference) does. Memory is `depth` items; leaving early returns the source (which kills ffmpeg).
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth: number): AsyncGenerator<T> {
  if (depth <= 0) {
    for await (const x of source) yield x;
    return;
  }
  const it = source[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  const pull = (): void => {
    const p = it.next();
    // Marked handled: a request still in flight when the consumer stops must not become an unhandled rejection.
    p.catch(() => undefined);
    queue.push(p);
  };
  let finished = false;
  try {
    for (let i = 0; i < depth; i++) pull();
    for (;;) {
      const r = await queue.shift()!;
      if (r.done) {
        finished = true;
        return;
      }
      pull();
      yield r.value;
    }
  } finally {
    if (!finished) {
      await Promise.allSettled(queue);
      await it.return?.();
    }
  }
}
