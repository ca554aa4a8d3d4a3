/**
 * The timers' persistent store: one SQLite file (better-sqlite3, WAL) so that
 * timers and delayed commands survive a restart of the agent. Every change is
 * one statement, committed before the caller goes on, so a crash loses at most
 * the change being made. Times are epoch ms of the wall clock: a timer due at
 * 12:00 is due at 12:00 whether or not hearth ran in between.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { CommandOrigin } from "../controller/types.ts";

/** One timer as stored. A running timer has `dueAt`; a paused one has `remainingMs`. */
export interface StoredTimer {
  id: string;
  /** The name the user gave ("pasta"), or null. */
  name: string | null;
  /** What the timer was set for, in ms (the "10 minute" timer), after increases and decreases. */
  durationMs: number;
  state: "running" | "paused";
  /** Epoch ms at which a running timer finishes; null while paused. */
  dueAt: number | null;
  /** Time left of a paused timer, in ms; null while running. */
  remainingMs: number | null;
  /** Epoch ms when it was set. */
  createdAt: number;
  /** Who set it: the microphone (source, area) whose speaker announces it. */
  origin: CommandOrigin;
  /** A delayed command (HA's `conversation_command`) carried out when it finishes, or null. */
  command: string | null;
}

/** The store's file cannot be opened or is not a timers database. */
export class TimerStoreError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`timers.path: ${path}: ${reason}`);
    this.name = "TimerStoreError";
  }
}

const SCHEMA_VERSION = 1;

interface Row {
  id: string;
  name: string | null;
  duration_ms: number;
  state: string;
  due_at: number | null;
  remaining_ms: number | null;
  created_at: number;
  origin: string;
  command: string | null;
}

function fromRow(row: Row): StoredTimer {
  return {
    id: row.id,
    name: row.name,
    durationMs: row.duration_ms,
    state: row.state === "paused" ? "paused" : "running",
    dueAt: row.due_at,
    remainingMs: row.remaining_ms,
    createdAt: row.created_at,
    origin: JSON.parse(row.origin) as CommandOrigin,
    command: row.command,
  };
}

export class TimerStore {
  private readonly db: Database.Database;

  /**
   * Open (or create) the store at `path`; `:memory:` keeps timers for this process only.
   * @throws TimerStoreError naming the file when it cannot be opened, is no SQLite database, or has a newer schema.
   */
  constructor(readonly path: string) {
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path, { timeout: 2000 });
      if (path !== ":memory:") this.db.pragma("journal_mode = WAL");
      const version = this.db.pragma("user_version", { simple: true }) as number;
      if (version > SCHEMA_VERSION) throw new Error(`schema version ${version} is newer than this hearth's (${SCHEMA_VERSION})`);
      this.db.exec(`CREATE TABLE IF NOT EXISTS timers (
        id TEXT PRIMARY KEY,
        name TEXT,
        duration_ms INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('running', 'paused')),
        due_at INTEGER,
        remaining_ms INTEGER,
        created_at INTEGER NOT NULL,
        origin TEXT NOT NULL,
        command TEXT
      )`);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    } catch (err) {
      if (err instanceof TimerStoreError) throw err;
      throw new TimerStoreError(path, (err as Error).message);
    }
  }

  /** Every stored timer, oldest first. */
  all(): StoredTimer[] {
    return (this.db.prepare("SELECT * FROM timers ORDER BY created_at, rowid").all() as Row[]).map(fromRow);
  }

  get(id: string): StoredTimer | undefined {
    const row = this.db.prepare("SELECT * FROM timers WHERE id = ?").get(id) as Row | undefined;
    return row && fromRow(row);
  }

  /** Insert or replace one timer. */
  put(timer: StoredTimer): void {
    this.db
      .prepare(`INSERT OR REPLACE INTO timers (id, name, duration_ms, state, due_at, remaining_ms, created_at, origin, command)
        VALUES (@id, @name, @durationMs, @state, @dueAt, @remainingMs, @createdAt, @origin, @command)`)
      .run({ ...timer, origin: JSON.stringify(timer.origin) });
  }

  /** Delete one timer; true when it existed. */
  delete(id: string): boolean {
    return this.db.prepare("DELETE FROM timers WHERE id = ?").run(id).changes > 0;
  }

  close(): void {
    this.db.close();
  }
}
