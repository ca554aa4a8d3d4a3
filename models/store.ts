/**
 * Resolves a manifest id to a verified file on disk. npm-shipped models come
 * from node_modules; the others from the store directory
 * (`$HEARTH_MODEL_DIR`, else `$XDG_DATA_HOME/hearth/models`, else
 * `~/.local/share/hearth/models`). Every file is checked against its sha256
 * before use; the result is cached by path, size and mtime so restarts stay fast.
 */
import { createHash } from "node:crypto";
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join } from "node:path";
import { logger } from "../agent/log.ts";
import { allModels, manifestEntry, registerUserModels, type ModelEntry, type ModelFile, type UserModel } from "./manifest.ts";

const log = logger("models/store");

const require = createRequire(import.meta.url);

/** A model file that is missing or whose checksum does not match its manifest entry. */
export class ModelIntegrityError extends Error {
  constructor(readonly modelId: string, readonly path: string, readonly expected: string, readonly actual: string | "missing") {
    super(
      actual === "missing"
        ? `model ${modelId}: ${path} is missing (expected sha256 ${expected}); run \`hearth models fetch ${modelId}\` or \`hearth models import FILE\``
        : `model ${modelId}: ${path} is corrupt: sha256 ${actual}, expected ${expected}`,
    );
    this.name = "ModelIntegrityError";
  }
}

/** The store directory for models that no npm package ships. */
export function storeDir(override?: string): string {
  if (override) return override;
  if (process.env.HEARTH_MODEL_DIR) return process.env.HEARTH_MODEL_DIR;
  const dataHome = process.env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(dataHome, "hearth", "models");
}

/**
 * Root folder of an installed npm package. Searched along Node's module paths rather than
 * resolved through `exports`, which some packages (soundswallower) close to `package.json`.
 * @throws Error naming the package when it is not installed.
 */
export function npmPackageDir(pkg: string): string {
  for (const base of require.resolve.paths(pkg) ?? []) {
    if (existsSync(join(base, pkg, "package.json"))) return join(base, pkg);
  }
  throw new Error(`npm package ${pkg} is not installed (run npm ci)`);
}

/** Where the entry's file (or directory, for file-less entries) lives, verified or not. */
export function modelLocation(entry: ModelEntry, file: ModelFile | undefined = entry.files[0], dir?: string): string {
  if (entry.origin.kind === "npm") {
    const base = join(npmPackageDir(entry.origin.package), entry.origin.path);
    return file && entry.files.length > 1 ? join(dirname(base), file.name) : base;
  }
  if (entry.origin.kind === "file") return isAbsolute(entry.origin.path) ? entry.origin.path : join(storeDir(dir), entry.origin.path);
  if (!file) throw new Error(`model ${entry.id}: manifest lists no file`);
  return join(storeDir(dir), file.name);
}

/** sha256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const verified = new Map<string, string>();

/**
 * Verify a file against its expected checksum (cached by size and mtime).
 * @throws ModelIntegrityError when missing or when the sha256 differs.
 */
export async function verifyFile(modelId: string, path: string, expected: ModelFile, options: { force?: boolean } = {}): Promise<void> {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new ModelIntegrityError(modelId, path, expected.sha256, "missing");
  }
  const key = `${stat.size}:${stat.mtimeMs}:${expected.sha256}`;
  if (!options.force && verified.get(path) === key) return;
  verified.delete(path);
  const actual = await sha256File(path);
  if (actual !== expected.sha256) throw new ModelIntegrityError(modelId, path, expected.sha256, actual);
  verified.set(path, key);
}

/** INT8 replacements accepted from config `models.int8`: id → QDQ file and its sha256. */
const int8Models = new Map<string, { path: string; file: ModelFile }>();

/**
 * Accept the INT8 models of config `models.int8` (id → `hearth calibrate quantize --out`
 * directory) whose report.json says `verdict: "int8"`; for the others the agent keeps
 * FP32 and logs the report's reason. Replaces earlier registrations.
 * @returns the ids that will load INT8.
 * @throws Error naming the directory when its report is missing, unreadable or for another model.
 */
export function registerInt8Models(int8: Record<string, string>): string[] {
  int8Models.clear();
  for (const [id, dir] of Object.entries(int8)) {
    manifestEntry(id);
    let report: { model?: string; verdict?: string; reason?: string; files?: { qdq_model?: string; qdq_sha256?: string } };
    try {
      report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    } catch (err) {
      throw new Error(`models.int8.${id}: cannot read ${join(dir, "report.json")} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (report.model !== id) throw new Error(`models.int8.${id}: ${join(dir, "report.json")} is the report of ${report.model}`);
    if (report.verdict !== "int8" || !report.files?.qdq_model || !report.files.qdq_sha256) {
      log.warn({ model: id, report: join(dir, "report.json") }, `keeping FP32: ${report.reason ?? "the report does not recommend INT8"}`);
      continue;
    }
    const name = basename(report.files.qdq_model);
    int8Models.set(id, { path: join(dir, name), file: { name, bytes: 0, sha256: report.files.qdq_sha256 } });
    log.info({ model: id, path: join(dir, name) }, "using the INT8 model");
  }
  return [...int8Models.keys()];
}

/** Apply config `models`: user models join the manifest, accepted INT8 models replace FP32. */
export function applyModelsConfig(config: { user: UserModel[]; int8: Record<string, string> }): void {
  registerUserModels(config.user);
  registerInt8Models(config.int8);
}

/**
 * Path of a verified model file for a manifest id (the accepted INT8 file when config
 * `models.int8` has one for it).
 * @throws ModelIntegrityError when the file is missing or corrupt; Error for an unknown id.
 */
export async function modelPath(id: string, dir?: string): Promise<string> {
  const int8 = int8Models.get(id);
  if (int8) {
    await verifyFile(id, int8.path, int8.file);
    return int8.path;
  }
  const entry = manifestEntry(id);
  const file = entry.files[0];
  const path = modelLocation(entry, file, dir);
  if (file) await verifyFile(id, path, file);
  return path;
}

/** Outcome of re-checking one model's files. */
export interface VerifyResult {
  id: string;
  path: string;
  status: "ok" | "missing" | "corrupt" | "unchecked";
  expected?: string;
  actual?: string;
}

/**
 * Re-hash the files of `ids` (default: every model), ignoring the size/mtime cache.
 * Never throws for a bad file: each result says what is wrong.
 */
export async function verifyModels(ids?: string[], dir?: string): Promise<VerifyResult[]> {
  const entries = ids?.length ? ids.map(manifestEntry) : allModels();
  const results: VerifyResult[] = [];
  for (const entry of entries) {
    if (!entry.files.length) {
      results.push({ id: entry.id, path: modelLocation(entry, undefined, dir), status: "unchecked" });
      continue;
    }
    for (const file of entry.files) {
      const path = modelLocation(entry, file, dir);
      try {
        await verifyFile(entry.id, path, file, { force: true });
        results.push({ id: entry.id, path, status: "ok", expected: file.sha256, actual: file.sha256 });
      } catch (err) {
        if (!(err instanceof ModelIntegrityError)) throw err;
        results.push({ id: entry.id, path, status: err.actual === "missing" ? "missing" : "corrupt", expected: err.expected, actual: err.actual });
      }
    }
  }
  return results;
}

/**
 * Adopt a local file into the store when its sha256 matches a store model's manifest entry
 * (copied via a `.part` file and renamed, so a crash never leaves a half file under the real name).
 * @returns the model id and its path in the store.
 * @throws Error naming the file when it is unreadable or matches no store entry.
 */
export async function importModel(file: string, dir?: string): Promise<{ id: string; path: string }> {
  let actual: string;
  try {
    actual = await sha256File(file);
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const entry = allModels().find((m) => m.origin.kind === "store" && m.files.some((f) => f.sha256 === actual));
  if (!entry) throw new Error(`${file}: sha256 ${actual} matches no model in the manifest; refusing to import it`);
  const target = modelLocation(entry, entry.files.find((f) => f.sha256 === actual), dir);
  mkdirSync(dirname(target), { recursive: true });
  const part = `${target}.part`;
  try {
    copyFileSync(file, part);
    renameSync(part, target);
  } catch (err) {
    rmSync(part, { force: true });
    throw new Error(`cannot copy ${file} to ${target}: ${(err as Error).message}`);
  }
  return { id: entry.id, path: target };
}
