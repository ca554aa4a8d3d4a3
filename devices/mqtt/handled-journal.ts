/**
 * The fingerprints of command deliveries hearth has handled, kept on disk so
 * a redelivery after hearth itself was killed is not acted on twice.
 *
 * The broker resends a QoS 1 PUBLISH it holds unacknowledged when the
 * persistent session resumes (MQTT 5 §4.4), with DUP set and the same packet
 * identifier. If hearth died after acting but before its PUBACK left, the
 * in-memory memory of handled deliveries (command-inbox.ts) is gone; this
 * journal is written when the handler settles, before the PUBACK, so the
 * resent delivery is recognised. What remains: a kill between the device
 * publish and the end of the handler (the reply on the events topic), a few
 * milliseconds, still acts twice.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { logger } from "../../agent/log.ts";

const log = logger("devices/mqtt");

/** The journal file cannot be used; names the file. */
export class HandledJournalError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`command journal ${path}: ${reason}`);
    this.name = "HandledJournalError";
  }
}

/** Where fingerprints are looked up and recorded (the SQLite journal, or none). */
export interface HandledRecord {
  has(fingerprint: string): boolean;
  add(fingerprint: string): void;
}

export class HandledJournal implements HandledRecord {
  private readonly db: Database.Database;
  private readonly lookup: Database.Statement<[string, number], { one: number }>;
  private readonly insert: Database.Statement<[string, number]>;
  private readonly prune: Database.Statement<[number]>;
  private addsSincePrune = 0;
  /** One warning per journal: a broken disk must not flood the log at every command. */
  private warned = false;

  /**
   * Open (or create) the journal at `path`; `:memory:` for one process only.
   * @param ttlMs how long a fingerprint is kept, in ms (longer than the outages a redelivery follows)
   * @throws HandledJournalError naming the file when it cannot be opened or is no SQLite database
   */
  constructor(readonly path: string, private readonly ttlMs: number, private readonly now: () => number = Date.now) {
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path, { timeout: 2000 });
      if (path !== ":memory:") {
        this.db.pragma("journal_mode = WAL");
        // NORMAL in WAL mode survives a process kill (only a power cut may lose the last commits).
        this.db.pragma("synchronous = NORMAL");
      }
      this.db.exec("CREATE TABLE IF NOT EXISTS handled (fingerprint TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID");
      this.lookup = this.db.prepare("SELECT 1 AS one FROM handled WHERE fingerprint = ? AND at >= ?");
      this.insert = this.db.prepare("INSERT OR REPLACE INTO handled (fingerprint, at) VALUES (?, ?)");
      this.prune = this.db.prepare("DELETE FROM handled WHERE at < ?");
      this.prune.run(this.now() - this.ttlMs);
    } catch (err) {
      throw new HandledJournalError(path, (err as Error).message);
    }
  }

  /** True when `fingerprint` was recorded within the last `ttlMs` (false, with a warning, when the file cannot be read). */
  has(fingerprint: string): boolean {
    try {
      return this.lookup.get(fingerprint, this.now() - this.ttlMs) !== undefined;
    } catch (err) {
      this.failed("read", err as Error);
      return false;
    }
  }

  /**
   * Record `fingerprint` as handled now (committed before it returns). A
   * journal that cannot be written costs only the restart guarantee, so this
   * warns instead of throwing: the command's PUBACK still goes out.
   */
  add(fingerprint: string): void {
    const now = this.now();
    try {
      this.insert.run(fingerprint, now);
      if (++this.addsSincePrune >= 1000) {
        this.addsSincePrune = 0;
        this.prune.run(now - this.ttlMs);
      }
    } catch (err) {
      this.failed("written", err as Error);
    }
  }

  private failed(what: "read" | "written", err: Error): void {
    if (this.warned) return;
    this.warned = true;
    log.warn({ path: this.path, err: err.message }, `command journal ${this.path} cannot be ${what}; a command redelivered after a restart may be acted on twice`);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
