/**
 * The entity registry: every entity hearth can read or command, keyed by
 * entity id, with the areas and floors of the home. Discovery, fixtures files
 * and state tracking write it; the resolver, the grammar generator and the
 * executor read it. Emits `change` (entity id) on any add, update or removal
 * so that dependent artefacts (ASR grammar, HA announcements) can be rebuilt.
 */
import { EventEmitter } from "node:events";
import type { Entity } from "./entity.ts";

export interface Area {
  id: string;
  name: string;
  floor?: string;
  aliases: string[];
}

export interface Floor {
  id: string;
  name: string;
  aliases: string[];
}

export class EntityRegistry extends EventEmitter<{ change: [entityId: string] }> {
  private readonly entities = new Map<string, Entity>();
  private readonly areas = new Map<string, Area>();
  private readonly floors = new Map<string, Floor>();
  /** entity id → what the sentence lists read of it, to tell a rename from a re-announcement. */
  private readonly spokenKeys = new Map<string, string>();
  private version = 0;
  private structure = 0;

  /**
   * Bumped whenever something the intent sentences and speech grammar are built
   * from changes: an entity added or removed, its name, aliases, domain, device
   * class, area or floor, an area or a floor. Never by state or availability.
   */
  get namesVersion(): number {
    return this.version;
  }

  upsert(entity: Entity): void {
    this.entities.set(entity.id, entity);
    const key = JSON.stringify([entity.name, entity.aliases, entity.domain, entity.device_class, entity.area, entity.floor]);
    if (this.spokenKeys.get(entity.id) !== key) {
      this.spokenKeys.set(entity.id, key);
      this.version++;
    }
    this.structure++;
    this.emit("change", entity.id);
  }

  remove(entityId: string): boolean {
    const removed = this.entities.delete(entityId);
    if (removed) {
      this.spokenKeys.delete(entityId);
      this.version++;
      this.structure++;
      this.emit("change", entityId);
    }
    return removed;
  }

  /**
   * A counter that moves on every add, replacement or removal (not on state
   * changes), so indexes over configs (the publish guard's topic index) know
   * when to rebuild.
   */
  get structureVersion(): number {
    return this.structure;
  }

  /**
   * The entities voice and typed commands may reach (HA's exposed entities):
   * what the resolver and the sentence-set builder read. With `byName: false`
   * (area, floor or domain commands: "turn off the kitchen") config and
   * diagnostic entities are left out too, as HA leaves them out.
   */
  exposed(options: { byName?: boolean } = {}): Entity[] {
    const byName = options.byName ?? true;
    const out: Entity[] = [];
    for (const entity of this.entities.values()) {
      if (entity.exposed === false) continue;
      if (!byName && entity.category !== undefined) continue;
      out.push(entity);
    }
    return out;
  }

  get(entityId: string): Entity | undefined {
    return this.entities.get(entityId);
  }

  all(): Entity[] {
    return [...this.entities.values()];
  }

  /** Apply a state change from a state topic or a simulated device. */
  setState(entityId: string, state: string | undefined, attributes?: Record<string, unknown>): void {
    const entity = this.entities.get(entityId);
    if (!entity) return;
    if (state !== undefined) entity.state = state;
    if (attributes) Object.assign(entity.attributes, attributes);
    this.emit("change", entityId);
  }

  setAvailable(entityId: string, available: boolean): void {
    const entity = this.entities.get(entityId);
    if (!entity || entity.available === available) return;
    entity.available = available;
    this.emit("change", entityId);
  }

  addArea(area: Area): void {
    this.areas.set(area.id, area);
    this.version++;
  }

  addFloor(floor: Floor): void {
    this.floors.set(floor.id, floor);
    this.version++;
  }

  allAreas(): Area[] {
    return [...this.areas.values()];
  }

  allFloors(): Floor[] {
    return [...this.floors.values()];
  }

  /** Area by id or (case-insensitive) name or alias. */
  findArea(idOrName: string): Area | undefined {
    const key = idOrName.toLowerCase();
    for (const area of this.areas.values()) {
      if (area.id === idOrName || area.name.toLowerCase() === key || area.aliases.some((a) => a.toLowerCase() === key)) return area;
    }
    return undefined;
  }

  findFloor(idOrName: string): Floor | undefined {
    const key = idOrName.toLowerCase();
    for (const floor of this.floors.values()) {
      if (floor.id === idOrName || floor.name.toLowerCase() === key || floor.aliases.some((a) => a.toLowerCase() === key)) return floor;
    }
    return undefined;
  }
}
