/** Paths into ../shared (read in place, never copied) and a loud skip when it is absent. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** `/work/shared/data` seen from the repository root (`../shared/data`). */
export const SHARED_DATA = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared", "data");

/** Absolute path of a file under ../shared/data. */
export function sharedData(...parts: string[]): string {
  return join(SHARED_DATA, ...parts);
}

/** The reason to skip when ../shared/data is missing, else undefined. */
export function sharedDataMissing(): string | undefined {
  return existsSync(SHARED_DATA) ? undefined : `../shared absent: ${SHARED_DATA} not found`;
}
