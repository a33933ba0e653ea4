import { describe, expect, it } from 'vitest';
import { LocalCoherence } from './cache-coherence.ts';
import { CoherentCache } from './coherent-cache.ts';

/** A coherence whose usability the test sets, and that invalidates when told. */
class TestCoherence extends LocalCoherence {
  usable = true;
  constructor() {
    super(true);
  }
  override cacheUsable(): boolean {
    return this.usable;
  }
  tell(keys: string[] | 'all') {
    this.invalidate(keys);
  }
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('CoherentCache (SPEC §8: memory never answers what another process changed)', () => {
  it('keeps what it loaded, and drops it on an invalidation of its key, of its namespace, or of everything', async () => {
    const coherence = new TestCoherence();
    const cache = new CoherentCache<string>(coherence, 'access', 10);
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await cache.get('t1', load)).toEqual({ value: 'v1', cached: false });
    expect(await cache.get('t1', load)).toEqual({ value: 'v1', cached: true });
    coherence.tell(['tokens:t1', 'access:t2']); // other keys: kept
    expect(cache.peek('t1')).toBe('v1');
    coherence.tell(['access:t1']);
    expect(cache.peek('t1')).toBeUndefined();
    await cache.get('t1', load);
    coherence.tell(['access:*']);
    expect(cache.size).toBe(0);
    await cache.get('t1', load);
    coherence.tell('all');
    expect(cache.size).toBe(0);
  });

  it('a load under way when its key is invalidated is answered to those who asked before, but never kept', async () => {
    const coherence = new TestCoherence();
    const cache = new CoherentCache<string>(coherence, 'access', 10);
    const slow = deferred<string>();
    const before = cache.get('t1', () => slow.promise);
    coherence.tell(['access:t1']); // the change committed while the read was in flight
    const after = cache.get('t1', async () => 'fresh'); // asked after: does not join the stale load
    slow.resolve('stale');
    expect((await before).value).toBe('stale');
    expect((await after).value).toBe('fresh');
    expect(cache.peek('t1')).toBe('fresh');
  });

  it('concurrent gets of one key share one load; an "all" during it keeps nothing of it', async () => {
    const coherence = new TestCoherence();
    const cache = new CoherentCache<string>(coherence, 'access', 10);
    let loads = 0;
    const slow = deferred<string>();
    const load = () => {
      loads++;
      return slow.promise;
    };
    const one = cache.get('t1', load);
    const two = cache.get('t1', load);
    coherence.tell('all');
    slow.resolve('old');
    expect([(await one).value, (await two).value]).toEqual(['old', 'old']);
    expect(loads).toBe(1);
    expect(cache.peek('t1')).toBeUndefined();
  });

  it('while the process may not trust its memory, every get loads and nothing is kept or peeked', async () => {
    const coherence = new TestCoherence();
    const cache = new CoherentCache<string>(coherence, 'access', 10);
    await cache.get('t1', async () => 'kept');
    coherence.usable = false;
    expect(cache.peek('t1')).toBeUndefined();
    expect(await cache.get('t1', async () => 'db')).toEqual({ value: 'db', cached: false });
    coherence.usable = true;
    expect(cache.peek('t1')).toBe('kept'); // a process that turns usable again has been told 'all' first
  });

  it('holds at most its size, dropping the least recently loaded; a missing value (undefined) is not kept', async () => {
    const coherence = new TestCoherence();
    const cache = new CoherentCache<string>(coherence, 'access', 2);
    for (const id of ['a', 'b', 'c']) await cache.get(id, async () => id);
    expect([cache.peek('a'), cache.peek('b'), cache.peek('c')]).toEqual([undefined, 'b', 'c']);
    await cache.get('nobody', async () => undefined);
    expect(cache.size).toBe(2);
  });
});
