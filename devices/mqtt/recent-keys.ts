/**
 * A bounded memory of recently seen keys (message ids, packet fingerprints),
 * for telling a redelivered MQTT message from a new one. It forgets a key
 * after `ttlMs` or when more than `capacity` newer keys arrived, so memory
 * stays bounded whatever a publisher sends. Insertion order is age order
 * (a JavaScript Map iterates in insertion order), so eviction is O(1).
 */
export class RecentKeys {
  private readonly seen = new Map<string, number>();

  /**
   * @param capacity most keys kept (oldest forgotten first)
   * @param ttlMs how long a key is remembered, in ms
   * @param now clock in ms (Date.now by default; tests pass their own)
   */
  constructor(private readonly capacity: number, private readonly ttlMs: number, private readonly now: () => number = Date.now) {
    if (!(capacity >= 1)) throw new Error(`RecentKeys: capacity must be at least 1, got ${capacity}`);
  }

  /** True when `key` was added within the last `ttlMs` and not evicted since. */
  has(key: string): boolean {
    const at = this.seen.get(key);
    return at !== undefined && this.now() - at < this.ttlMs;
  }

  /** Remember `key` as seen now. */
  add(key: string): void {
    const now = this.now();
    this.seen.delete(key);
    this.seen.set(key, now);
    for (const [oldest, at] of this.seen) {
      if (this.seen.size <= this.capacity && now - at < this.ttlMs) break;
      this.seen.delete(oldest);
    }
  }

  /** Number of keys held (expired ones included until the next `add` sweeps them). */
  get size(): number {
    return this.seen.size;
  }
}
