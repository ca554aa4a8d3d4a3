/**
 * The visual memory's database: one row per tracked object (an "event", as
 * Frigate calls it) in SQLite through better-sqlite3, in WAL mode so a crash
 * or power loss loses at most the last uncommitted batch and other processes
 * (`hearth events search`) read while the service writes. The schema is
 * versioned with `PRAGMA user_version` and migrated forward at open.
 *
 * Places: an event's areas and zones go to `event_places` (one row per
 * area × zone entered, read back with the event) and to `event_areas` /
 * `event_zones` (one row per place, with the event's start) that a search by
 * area or zone walks newest first through a (place, start) index.
 * Times are epoch ms; `source_*_ms` keep the camera's own clock (media time
 * for video files), which is what labels of a recording are written in.
 */
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { logger } from "../log.ts";

const log = logger("memory/store");

/** A stored event. Boxes are `[x1, y1, x2, y2]` in source-frame pixels. */
export interface MemoryEvent {
  id: string;
  camera: string;
  label: string;
  /** The first area the object was seen in. */
  area: string;
  areas: string[];
  zones: string[];
  start_ms: number;
  /** null while the object is still tracked. */
  end_ms: number | null;
  source_start_ms: number;
  source_end_ms: number | null;
  top_score: number;
  box: [number, number, number, number];
  stationary: boolean;
  snapshot_path: string | null;
  thumbnail_path: string | null;
  snapshot_bytes: number;
}

/** Search filters; all optional, combined with AND. Text compares case-insensitively. */
export interface EventFilter {
  label?: string | string[];
  area?: string;
  zone?: string;
  camera?: string;
  /** Events overlapping [from_ms, to_ms]: started before `to_ms` and not ended before `from_ms`. */
  from_ms?: number;
  to_ms?: number;
  /** Most events returned, newest first (default 100). */
  limit?: number;
  /**
   * Extra ranking by a similarity score, for a future image–text embedding
   * (README, "Visual memory"): given the ids that pass the other filters,
   * returns the ids to keep in order. No model ships offline today.
   */
  rank?: (ids: string[]) => string[];
}

/** The database file is not a database (or is damaged) or stays locked by another process. */
export class MemoryOpenError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`memory database ${path}: ${reason}`);
    this.name = "MemoryOpenError";
  }
}

/** Schema migrations: index i takes the database from user_version i to i + 1. */
const MIGRATIONS: string[] = [
  `CREATE TABLE events (
     id TEXT PRIMARY KEY,
     camera TEXT NOT NULL,
     label TEXT NOT NULL COLLATE NOCASE,
     area TEXT NOT NULL COLLATE NOCASE,
     start_ms INTEGER NOT NULL,
     end_ms INTEGER,
     source_start_ms INTEGER NOT NULL,
     source_end_ms INTEGER,
     top_score REAL NOT NULL,
     box TEXT NOT NULL,
     stationary INTEGER NOT NULL DEFAULT 0,
     snapshot_path TEXT,
     thumbnail_path TEXT,
     snapshot_bytes INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX events_start ON events(start_ms);
   CREATE INDEX events_label_start ON events(label, start_ms);
   CREATE INDEX events_area_start ON events(area, start_ms);
   CREATE INDEX events_end ON events(end_ms);
   CREATE TABLE event_places (
     event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
     area TEXT NOT NULL COLLATE NOCASE,
     zone TEXT NOT NULL COLLATE NOCASE,
     PRIMARY KEY (event_id, area, zone)
   ) WITHOUT ROWID;
   CREATE INDEX places_area ON event_places(area, event_id);
   CREATE INDEX places_zone ON event_places(zone, event_id);`,
  // v2: one row per event and area (and per event and zone) with the event's start, indexed by
  // (place, start), so a search by place walks that place's events newest first and stops at
  // the limit instead of sorting every event the place ever had (bench/memory-search.ts).
  `CREATE TABLE event_areas (
     event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
     area TEXT NOT NULL COLLATE NOCASE,
     start_ms INTEGER NOT NULL,
     PRIMARY KEY (event_id, area)
   ) WITHOUT ROWID;
   CREATE INDEX areas_start ON event_areas(area, start_ms);
   CREATE TABLE event_zones (
     event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
     zone TEXT NOT NULL COLLATE NOCASE,
     start_ms INTEGER NOT NULL,
     PRIMARY KEY (event_id, zone)
   ) WITHOUT ROWID;
   CREATE INDEX zones_start ON event_zones(zone, start_ms);
   INSERT OR IGNORE INTO event_areas SELECT p.event_id, p.area, e.start_ms FROM event_places p JOIN events e ON e.id = p.event_id;
   INSERT OR IGNORE INTO event_zones SELECT p.event_id, p.zone, e.start_ms FROM event_places p JOIN events e ON e.id = p.event_id WHERE p.zone != '';`,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

interface Row {
  id: string;
  camera: string;
  label: string;
  area: string;
  start_ms: number;
  end_ms: number | null;
  source_start_ms: number;
  source_end_ms: number | null;
  top_score: number;
  box: string;
  stationary: number;
  snapshot_path: string | null;
  thumbnail_path: string | null;
  snapshot_bytes: number;
  places: string | null;
}

export interface OpenOptions {
  /** What to do with a file that is not a database: fail (default) or rename it and start afresh. */
  onCorrupt?: "fail" | "move_aside";
  /** How long to wait for another process's write lock at open, in ms (default 2000). */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

export class MemoryStore {
  private readonly db: Database.Database;
  private readonly upsertEvent: Database.Statement;
  private readonly insertPlace: Database.Statement;
  private readonly insertArea: Database.Statement;
  private readonly insertZone: Database.Statement;
  private readonly oldestOpen: Database.Statement;
  /** The longest ended event, ms: a search for events overlapping [from, to] need not look at starts before from − this. */
  private longestMs: number;
  private readonly byId: Database.Statement;

  /**
   * Open (creating it and its folder when missing) and migrate the database.
   * @throws MemoryOpenError naming the path when the file is not a database,
   * is damaged, is locked by another process, or has a newer schema.
   */
  constructor(readonly path: string, options: OpenOptions = {}) {
    this.db = MemoryStore.open(path, options);
    this.upsertEvent = this.db.prepare(`INSERT INTO events (id, camera, label, area, start_ms, end_ms, source_start_ms, source_end_ms, top_score, box, stationary, snapshot_path, thumbnail_path, snapshot_bytes)
      VALUES (@id, @camera, @label, @area, @start_ms, @end_ms, @source_start_ms, @source_end_ms, @top_score, @box, @stationary, @snapshot_path, @thumbnail_path, @snapshot_bytes)
      ON CONFLICT(id) DO UPDATE SET end_ms = excluded.end_ms, source_end_ms = excluded.source_end_ms, top_score = excluded.top_score, box = excluded.box,
        stationary = excluded.stationary, snapshot_path = coalesce(excluded.snapshot_path, snapshot_path), thumbnail_path = coalesce(excluded.thumbnail_path, thumbnail_path),
        snapshot_bytes = CASE WHEN excluded.snapshot_path IS NULL THEN snapshot_bytes ELSE excluded.snapshot_bytes END`);
    this.insertPlace = this.db.prepare("INSERT OR IGNORE INTO event_places (event_id, area, zone) VALUES (?, ?, ?)");
    this.insertArea = this.db.prepare("INSERT OR IGNORE INTO event_areas (event_id, area, start_ms) VALUES (?, ?, ?)");
    this.insertZone = this.db.prepare("INSERT OR IGNORE INTO event_zones (event_id, zone, start_ms) VALUES (?, ?, ?)");
    this.oldestOpen = this.db.prepare("SELECT min(start_ms) AS t FROM events WHERE end_ms IS NULL");
    this.longestMs = (this.db.prepare("SELECT coalesce(max(end_ms - start_ms), 0) AS ms FROM events WHERE end_ms IS NOT NULL").get() as { ms: number }).ms;
    this.byId = this.db.prepare(`SELECT e.*, (SELECT json_group_array(json_array(area, zone)) FROM event_places p WHERE p.event_id = e.id) AS places FROM events e WHERE e.id = ?`);
  }

  private static open(path: string, options: OpenOptions): Database.Database {
    if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
    else if (!existsSync(path)) throw new MemoryOpenError(path, "no such file (is memory.enabled set, and has the service run?)");
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { readonly: options.readonly ?? false, timeout: options.busyTimeoutMs ?? 2000 });
      if (!options.readonly) {
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = NORMAL");
      }
      db.pragma("foreign_keys = ON");
      const check = db.pragma("quick_check", { simple: true });
      if (check !== "ok") throw Object.assign(new Error(`integrity check failed: ${String(check)}`), { code: "SQLITE_CORRUPT" });
      if (!options.readonly) MemoryStore.migrate(db, path);
      else {
        // A reader cannot migrate: an older file lacks the tables this code searches.
        const version = db.pragma("user_version", { simple: true }) as number;
        if (version !== SCHEMA_VERSION) throw new MemoryOpenError(path, `schema version ${version}, this hearth reads ${SCHEMA_VERSION}; ${version < SCHEMA_VERSION ? "start the service once to migrate it" : "update hearth"}`);
      }
      return db;
    } catch (err) {
      db?.close();
      if (err instanceof MemoryOpenError) throw err;
      const code = (err as { code?: string }).code ?? "";
      const message = (err as Error).message;
      if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) throw new MemoryOpenError(path, `locked by another process (${message})`);
      if ((code.startsWith("SQLITE_NOTADB") || code.startsWith("SQLITE_CORRUPT")) && options.onCorrupt === "move_aside" && !options.readonly) {
        const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
        for (const suffix of ["", "-wal", "-shm"]) if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
        log.warn({ path, moved_to: aside, err: message }, "memory database is damaged; moved aside, starting a new one");
        return MemoryStore.open(path, { ...options, onCorrupt: "fail" });
      }
      throw new MemoryOpenError(path, code.startsWith("SQLITE_NOTADB") || code.startsWith("SQLITE_CORRUPT") ? `not a database or damaged (${message}); memory.on_corrupt: move_aside starts a new one` : message);
    }
  }

  private static migrate(db: Database.Database, path: string): void {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new MemoryOpenError(path, `schema version ${version} is newer than this hearth's ${SCHEMA_VERSION}`);
    // IMMEDIATE takes the write lock now, so a database locked by another writer fails start-up here.
    db.transaction(() => {
      for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
    if (version < SCHEMA_VERSION) log.info({ path, from: version, to: SCHEMA_VERSION }, "memory schema migrated");
  }

  /** Insert or update events (with their places) in one transaction. */
  write(events: readonly MemoryEvent[]): void {
    if (!events.length) return;
    this.db.transaction(() => {
      for (const e of events) {
        this.upsertEvent.run({ ...e, box: JSON.stringify(e.box), stationary: e.stationary ? 1 : 0 });
        if (e.end_ms !== null) this.longestMs = Math.max(this.longestMs, e.end_ms - e.start_ms);
        const zones = e.zones.length ? e.zones : [""];
        for (const area of e.areas) for (const zone of zones) this.insertPlace.run(e.id, area, zone);
        for (const area of e.areas) this.insertArea.run(e.id, area, e.start_ms);
        for (const zone of e.zones) this.insertZone.run(e.id, zone, e.start_ms);
      }
    })();
  }

  /** One event, or undefined. */
  get(id: string): MemoryEvent | undefined {
    const row = this.byId.get(id) as Row | undefined;
    return row && fromRow(row);
  }

  /**
   * Events matching `filter`, newest first. With a zone (or an area) the
   * search walks that place's events by start time (CROSS JOIN keeps SQLite
   * from choosing another order), so it stops after `limit` matches.
   */
  search(filter: EventFilter = {}): MemoryEvent[] {
    const where: string[] = [];
    const params: unknown[] = [];
    let from = "events e";
    let start = "e.start_ms";
    if (filter.zone) {
      from = "event_zones d CROSS JOIN events e ON e.id = d.event_id";
      start = "d.start_ms";
      where.push("d.zone = ?");
      params.push(filter.zone);
      if (filter.area) {
        where.push("EXISTS (SELECT 1 FROM event_areas a WHERE a.event_id = e.id AND a.area = ?)");
        params.push(filter.area);
      }
    } else if (filter.area) {
      from = "event_areas d CROSS JOIN events e ON e.id = d.event_id";
      start = "d.start_ms";
      where.push("d.area = ?");
      params.push(filter.area);
    }
    const labels = filter.label === undefined ? [] : Array.isArray(filter.label) ? filter.label : [filter.label];
    if (labels.length) {
      where.push(`e.label IN (${labels.map(() => "?").join(", ")})`);
      params.push(...labels);
    }
    if (filter.camera) {
      where.push("e.camera = ?");
      params.push(filter.camera);
    }
    if (filter.to_ms !== undefined) {
      where.push(`${start} <= ?`);
      params.push(filter.to_ms);
    }
    if (filter.from_ms !== undefined) {
      where.push("(e.end_ms IS NULL OR e.end_ms >= ?)");
      params.push(filter.from_ms);
      // A lower bound on the start lets the walk stop: nothing that started earlier can still overlap.
      const open = (this.oldestOpen.get() as { t: number | null }).t;
      where.push(`${start} >= ?`);
      params.push(Math.min(filter.from_ms - this.longestMs, open ?? Infinity));
    }
    const limit = filter.limit ?? 100;
    const sql = `SELECT e.*, (SELECT json_group_array(json_array(area, zone)) FROM event_places p WHERE p.event_id = e.id) AS places
      FROM ${from} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY ${start} DESC LIMIT ?`;
    const rows = (this.db.prepare(sql).all(...params, filter.rank ? Math.max(limit * 10, 1000) : limit) as Row[]).map(fromRow);
    if (!filter.rank) return rows;
    const byId = new Map(rows.map((e) => [e.id, e]));
    return filter.rank(rows.map((e) => e.id)).flatMap((id) => byId.get(id) ?? []).slice(0, limit);
  }

  /** Number of events and bytes of pictures. */
  stats(): { events: number; snapshot_bytes: number } {
    return this.db.prepare("SELECT count(*) AS events, coalesce(sum(snapshot_bytes), 0) AS snapshot_bytes FROM events").get() as { events: number; snapshot_bytes: number };
  }

  /** Events that ended before `before_ms` (deleted, returned for their files). */
  deleteEndedBefore(before_ms: number): MemoryEvent[] {
    const rows = this.db.prepare("SELECT *, NULL AS places FROM events WHERE end_ms IS NOT NULL AND end_ms < ?").all(before_ms) as Row[];
    this.db.prepare("DELETE FROM events WHERE end_ms IS NOT NULL AND end_ms < ?").run(before_ms);
    return rows.map(fromRow);
  }

  /**
   * Drop pictures of the oldest events until the pictures take at most `max_bytes`
   * (the events themselves stay). Returns the events whose files are to be deleted.
   */
  trimSnapshots(max_bytes: number): MemoryEvent[] {
    let total = this.stats().snapshot_bytes;
    if (total <= max_bytes) return [];
    const dropped: MemoryEvent[] = [];
    const oldest = this.db.prepare("SELECT *, NULL AS places FROM events WHERE snapshot_bytes > 0 ORDER BY start_ms ASC LIMIT 500");
    const clear = this.db.prepare("UPDATE events SET snapshot_path = NULL, thumbnail_path = NULL, snapshot_bytes = 0 WHERE id = ?");
    this.db.transaction(() => {
      while (total > max_bytes) {
        const batch = oldest.all() as Row[];
        if (!batch.length) break;
        for (const row of batch) {
          if (total <= max_bytes) break;
          clear.run(row.id);
          total -= row.snapshot_bytes;
          dropped.push(fromRow(row));
        }
      }
    })();
    return dropped;
  }

  close(): void {
    this.db.close();
  }
}

function fromRow(row: Row): MemoryEvent {
  const places = row.places ? (JSON.parse(row.places) as [string, string][]) : [];
  return {
    id: row.id,
    camera: row.camera,
    label: row.label,
    area: row.area,
    areas: [...new Set([row.area, ...places.map(([a]) => a)])],
    zones: [...new Set(places.map(([, z]) => z).filter(Boolean))],
    start_ms: row.start_ms,
    end_ms: row.end_ms,
    source_start_ms: row.source_start_ms,
    source_end_ms: row.source_end_ms,
    top_score: row.top_score,
    box: JSON.parse(row.box) as MemoryEvent["box"],
    stationary: row.stationary === 1,
    snapshot_path: row.snapshot_path,
    thumbnail_path: row.thumbnail_path,
    snapshot_bytes: row.snapshot_bytes,
  };
}
