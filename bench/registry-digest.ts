/**
 * An order-independent digest of what a registry holds (each entity's key,
 * state and availability), kept up to date from `change` events at a cost of
 * one hash per change, so a bench can tell the moment a live registry equals
 * an expected one without scanning 30,000 entities on every message.
 */
import type { Entity } from "../devices/entity.ts";
import type { EntityRegistry } from "../devices/registry.ts";

/** `<domain> <unique_id>`: stable whichever order configs arrive in (entity ids are not, when names collide). */
export function entityKey(e: Entity): string {
  return `${e.domain} ${String(e.config?.unique_id ?? e.id)}`;
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The hash one entity contributes. */
export function entityHash(e: Entity): number {
  return hash(`${entityKey(e)}|${e.state ?? ""}|${e.available}`);
}

/** `count:sum` of the entity hashes (sum mod 2^32): equal digests mean, with overwhelming odds, equal contents. */
export function digestOf(entities: Iterable<Entity>): string {
  let count = 0;
  let sum = 0;
  for (const e of entities) {
    count++;
    sum = (sum + entityHash(e)) >>> 0;
  }
  return `${count}:${sum}`;
}

/** Follows `registry`; `onChange(digest)` runs after each change with the new digest. */
export function followDigest(registry: EntityRegistry, onChange: (digest: string) => void): () => void {
  const hashes = new Map<string, number>();
  let sum = 0;
  const listener = (id: string) => {
    const before = hashes.get(id);
    if (before !== undefined) sum = (sum - before) >>> 0;
    const entity = registry.get(id);
    if (entity) {
      const h = entityHash(entity);
      hashes.set(id, h);
      sum = (sum + h) >>> 0;
    } else hashes.delete(id);
    onChange(`${hashes.size}:${sum}`);
  };
  registry.on("change", listener);
  return () => registry.off("change", listener);
}
