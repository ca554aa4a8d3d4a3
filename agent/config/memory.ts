/**
 * Config sections `memory` (the visual memory: every camera track as an event
 * in SQLite, with a snapshot and thumbnail) and `web` (the local page).
 */
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";

export const memorySchema = z.strictObject({
  /** Keep every track as an event (off by default: it writes a database and pictures). */
  enabled: z.boolean().default(false),
  /** SQLite file; default `$STATE_DIRECTORY/memory.db` (systemd), else `$XDG_DATA_HOME/hearth/memory.db`. */
  path: z.string().optional(),
  /** Snapshots and thumbnails; default `snapshots/` next to the database. */
  snapshots_dir: z.string().optional(),
  /** Events older than this many days are deleted with their pictures. */
  retain_days: z.number().positive().default(10),
  /** When snapshots take more than this many MiB, the oldest events lose their pictures (the events stay). */
  max_snapshot_mb: z.number().positive().default(1024),
  /** A database file that cannot be opened as one: `fail` start-up naming it, or `move_aside` (renamed, a new one started, a warning logged). */
  on_corrupt: z.enum(["fail", "move_aside"]).default("fail"),
  /** Pending writes are committed in one transaction at this period, in ms. */
  flush_ms: z.number().int().min(10).max(60_000).default(1000),
  /** Thumbnail height in pixels (Frigate's is 175). */
  thumbnail_height: z.number().int().min(16).max(1080).default(175),
});

export type MemoryConfig = z.infer<typeof memorySchema>;

/** Where the memory database lives when the config names no path. */
export function defaultMemoryPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STATE_DIRECTORY) return join(env.STATE_DIRECTORY.split(":")[0]!, "memory.db");
  return join(env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "hearth", "memory.db");
}

/** The database path and snapshot folder of a memory config. */
export function memoryPaths(config: MemoryConfig): { db: string; snapshots: string } {
  const db = config.path ?? defaultMemoryPath();
  return { db, snapshots: config.snapshots_dir ?? join(dirname(db), "snapshots") };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/;

export const webSchema = z
  .strictObject({
    /** `host:port` to serve the page on (off when absent), e.g. `127.0.0.1:8080`. */
    listen: z.string().regex(/^(\[[0-9a-f:]+\]|[^:\s]+):\d{1,5}$/i, "host:port, e.g. 127.0.0.1:8080").optional(),
    /** Required when `listen` is not a loopback address: sent as `?token=` or `Authorization: Bearer`. */
    token: z.string().min(16, "at least 16 characters").optional(),
  })
  .refine((w) => !w.listen || LOOPBACK.test(w.listen.slice(0, w.listen.lastIndexOf(":"))) || w.token !== undefined, {
    message: "a token is required when the page listens beyond loopback",
    path: ["token"],
  });

export type WebConfig = z.infer<typeof webSchema>;

/** Host and port of `web.listen`. */
export function parseListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(":");
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(listen.slice(i + 1)) };
}
