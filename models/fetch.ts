/**
 * Downloads a store model over HTTP(S) into the store directory. The bytes go to
 * `<name>.part`; an interrupted download is resumed with a `Range` request the next
 * time, and only a file whose sha256 matches the manifest is renamed into place — a
 * mismatch deletes the `.part` file and fails.
 */
import { createWriteStream, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { logger } from "../agent/log.ts";
import { manifestEntry } from "./manifest.ts";
import { modelLocation, ModelIntegrityError, sha256File, verifyFile } from "./store.ts";

const log = logger("models/fetch");

export interface FetchOptions {
  /** Store directory (default: see `storeDir`). */
  dir?: string;
  /** Download from here instead of the manifest URL (a mirror, or a test server). */
  url?: string;
  /** Called as bytes arrive: received so far (including resumed bytes) and the total. */
  onProgress?: (received: number, total: number) => void;
}

export interface FetchResult {
  id: string;
  path: string;
  /** `present`: the verified file was already there; `downloaded`: fetched now. */
  status: "present" | "downloaded";
  /** Bytes taken over from an earlier interrupted download. */
  resumedFrom: number;
}

function partSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Fetch model `id` into the store.
 * @throws Error naming the model and URL on HTTP errors or a broken connection (the
 *   `.part` file stays for a resume); ModelIntegrityError when the finished file's sha256
 *   differs from the manifest (the `.part` file is deleted).
 */
export async function fetchModel(id: string, options: FetchOptions = {}): Promise<FetchResult> {
  const entry = manifestEntry(id);
  if (entry.origin.kind !== "store") throw new Error(`model ${id} is not fetched: it comes from ${entry.origin.kind === "npm" ? `npm package ${entry.origin.package}` : entry.origin.path}`);
  const file = entry.files[0]!;
  const target = modelLocation(entry, file, options.dir);
  try {
    await verifyFile(id, target, file);
    return { id, path: target, status: "present", resumedFrom: 0 };
  } catch (err) {
    if (!(err instanceof ModelIntegrityError)) throw err;
    if (err.actual !== "missing") rmSync(target, { force: true });
  }
  mkdirSync(dirname(target), { recursive: true });
  const part = `${target}.part`;
  const url = options.url ?? entry.origin.url;
  let offset = partSize(part);
  if (offset > file.bytes) {
    rmSync(part);
    offset = 0;
  }
  const resumedFrom = offset;
  if (offset < file.bytes) {
    let response: Response;
    try {
      response = await fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, redirect: "follow" });
    } catch (err) {
      throw new Error(`model ${id}: cannot reach ${url}: ${(err as Error).cause ?? (err as Error).message}`);
    }
    if (response.status === 200 && offset > 0) {
      log.info({ model: id, url }, "server ignored the range request; downloading from the start");
      offset = 0;
    } else if (response.status !== 200 && response.status !== 206) {
      throw new Error(`model ${id}: ${url} answered HTTP ${response.status} ${response.statusText}`);
    }
    if (!response.body) throw new Error(`model ${id}: ${url} sent no body`);
    if (offset > 0) log.info({ model: id, offset }, "resuming download");
    let received = offset;
    options.onProgress?.(received, file.bytes);
    const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
    body.on("data", (chunk: Buffer) => {
      received += chunk.length;
      options.onProgress?.(received, file.bytes);
    });
    try {
      await pipeline(body, createWriteStream(part, { flags: offset > 0 ? "a" : "w" }));
    } catch (err) {
      throw new Error(`model ${id}: download from ${url} broke off at ${partSize(part)} of ${file.bytes} bytes (${(err as Error).message}); run fetch again to resume`);
    }
  }
  const actual = await sha256File(part);
  if (actual !== file.sha256) {
    rmSync(part, { force: true });
    throw new ModelIntegrityError(id, `${url} → ${part}`, file.sha256, actual);
  }
  renameSync(part, target);
  log.info({ model: id, path: target, resumedFrom }, "model fetched and verified");
  return { id, path: target, status: "downloaded", resumedFrom };
}
