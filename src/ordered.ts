/**
 * Runs `map` on up to `concurrency` items of `source` at a time and yields the
 * results in source order. Used to read many records while a listing streams.
 */
export async function* mapOrdered<In, Out>(
  source: AsyncIterable<In>,
  concurrency: number,
  map: (item: In) => Promise<Out>,
): AsyncGenerator<Out> {
  const iterator = source[Symbol.asyncIterator]();
  const pending: Promise<Out>[] = [];
  let exhausted = false;

  try {
    for (;;) {
      while (!exhausted && pending.length < concurrency) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const result = map(next.value);
        // A rejection is raised when its turn comes; until then it is not "unhandled".
        result.catch(() => undefined);
        pending.push(result);
      }

      const head = pending.shift();
      if (head === undefined) return;
      yield await head;
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}
