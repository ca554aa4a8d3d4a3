/**
 * Resolves a manifest id to a verified file on disk. npm-shipped models come
 * from node_modules; the others from the store directory
 * (`$HEARTH_MODEL_DIR`, else `$XDG_DATA_HOME/hearth/models`, else
 * `~/.local/share/hearth/models`). Every file is checked against its sha256
 * before use; the result is cached by path, size and mtime so restarts stay fast.
 */
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { manifestEntry, type ModelEntry, type ModelFile } from "./manifest.ts";

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

/** Root folder of an installed npm package. */
export function npmPackageDir(pkg: string): string {
  return dirname(require.resolve(`${pkg}/package.json`));
}

/** Where the entry's file (or directory, for file-less entries) lives, verified or not. */
export function modelLocation(entry: ModelEntry, file: ModelFile | undefined = entry.files[0], dir?: string): string {
  if (entry.origin.kind === "npm") {
    const base = join(npmPackageDir(entry.origin.package), entry.origin.path);
    return file && entry.files.length > 1 ? join(dirname(base), file.name) : base;
  }
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
export async function verifyFile(modelId: string, path: string, expected: ModelFile): Promise<void> {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new ModelIntegrityError(modelId, path, expected.sha256, "missing");
  }
  const key = `${path}:${stat.size}:${stat.mtimeMs}`;
  if (verified.get(path) === key) return;
  const actual = await sha256File(path);
  if (actual !== expected.sha256) throw new ModelIntegrityError(modelId, path, expected.sha256, actual);
  verified.set(path, key);
}

/**
 * Path of a verified model file for a manifest id.
 * @throws ModelIntegrityError when the file is missing or corrupt; Error for an unknown id.
 */
export async function modelPath(id: string, dir?: string): Promise<string> {
  const entry = manifestEntry(id);
  const file = entry.files[0];
  const path = modelLocation(entry, file, dir);
  if (file) await verifyFile(id, path, file);
  return path;
}
