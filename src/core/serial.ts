// One promise chain per key: changes to the same RRset run one after the other, so a slower publish cannot
// overtake a newer one and leave an older set in the zone.
const chains = new Map<string, Promise<unknown>>();

export function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = chains.get(key) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const tail = next.catch(() => undefined);
  chains.set(key, tail);
  void tail.then(() => {
    if (chains.get(key) === tail) chains.delete(key);
  });
  return next;
}
