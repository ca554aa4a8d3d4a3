/**
 * `hearth models list | info ID | fetch ID | import PATH | verify [ID] | warm [ID...]`:
 * inspect the model manifest and manage the store. `verify` exits 1 when any file is
 * missing or corrupt; `warm` loads models with the configured providers and runs each
 * once, which builds and caches TensorRT engines before the agent needs them.
 */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { loadConfig, parseConfig } from "../config/load.ts";
import { createSession, sessionOptionsFor, warmupFeeds } from "../../models/session.ts";
import { allModels, manifestEntry } from "../../models/manifest.ts";
import { fetchModel } from "../../models/fetch.ts";
import { applyModelsConfig, importModel, modelLocation, modelPath, storeDir, verifyModels } from "../../models/store.ts";

interface StoreOptions {
  config?: string;
  dir?: string;
}

/** The store directory from --dir, else the config's `models.dir`; registers the config's user models. */
function resolveStore(options: StoreOptions): string {
  if (options.config) {
    const config = loadConfig(options.config);
    applyModelsConfig(config.models);
    return storeDir(options.dir ?? config.models.dir);
  }
  return storeDir(options.dir);
}

const withStoreOptions = (command: Command) =>
  command.option("-c, --config <file>", "hearth config (models.dir, models.user)").option("-d, --dir <dir>", "model store directory");

/** Width of a column holding `values` (ids and versions grow with the manifest). */
const width = (values: string[]): number => Math.max(0, ...values.map((v) => v.length));

export function registerModelsCommand(program: Command): void {
  const models = program.command("models").description("list, fetch, import and verify the models hearth uses");

  withStoreOptions(models.command("list").description("every model: id, role, origin, licence")).action((options: StoreOptions) => {
    resolveStore(options);
    const ids = width(allModels().map((m) => m.id));
    const versions = width(allModels().map((m) => m.version));
    for (const m of allModels()) {
      const origin = m.origin.kind === "npm" ? `npm:${m.origin.package}` : m.origin.kind === "store" ? "store" : `file:${m.origin.path}`;
      process.stdout.write(`${m.id.padEnd(ids)} ${m.role.padEnd(19)} ${m.version.padEnd(versions)} ${origin.padEnd(38)} ${m.licence}\n`);
    }
  });

  withStoreOptions(models.command("info").argument("<id>", "model id").description("the manifest entry of ID and where its file is")).action(
    (id: string, options: StoreOptions) => {
      const dir = resolveStore(options);
      const entry = manifestEntry(id);
      const files = entry.files.map((f) => ({ ...f, path: modelLocation(entry, f, dir) }));
      process.stdout.write(JSON.stringify({ ...entry, files }, null, 2) + "\n");
    },
  );

  withStoreOptions(models.command("fetch").argument("<id>", "model id").description("download ID into the store (resumes, checks sha256)"))
    .option("--url <url>", "download from this URL instead of the manifest's")
    .action(async (id: string, options: StoreOptions & { url?: string }) => {
      const dir = resolveStore(options);
      const bar = new SingleBar({ format: `${id} [{bar}] {percentage}% {value}/{total} bytes`, hideCursor: true, stream: process.stderr });
      let started = false;
      try {
        const result = await fetchModel(id, {
          dir,
          url: options.url,
          onProgress: (received, total) => {
            if (!started) (bar.start(total, received), (started = true));
            else bar.update(received);
          },
        });
        if (started) bar.stop();
        process.stdout.write(`${id}: ${result.status}${result.resumedFrom ? ` (resumed at ${result.resumedFrom} bytes)` : ""} ${result.path}\n`);
      } finally {
        if (started) bar.stop();
      }
    });

  withStoreOptions(models.command("import").argument("<file>", "local model file").description("copy FILE into the store if its sha256 matches a manifest entry")).action(
    async (file: string, options: StoreOptions) => {
      const result = await importModel(file, resolveStore(options));
      process.stdout.write(`${result.id}: imported ${result.path}\n`);
    },
  );

  withStoreOptions(models.command("verify").argument("[id]", "model id (default: all)").description("re-hash model files; exit 1 when one is missing or corrupt")).action(
    async (id: string | undefined, options: StoreOptions) => {
      const results = await verifyModels(id ? [id] : undefined, resolveStore(options));
      const ids = width(results.map((r) => r.id));
      for (const r of results) {
        const detail = r.status === "corrupt" ? ` sha256 ${r.actual}, expected ${r.expected}` : "";
        process.stdout.write(`${r.status.padEnd(9)} ${r.id.padEnd(ids)} ${r.path}${detail}\n`);
      }
      const bad = results.filter((r) => r.status === "missing" || r.status === "corrupt");
      if (bad.length) {
        process.exitCode = 1;
        const fetches = bad.map((r) => `\`hearth models fetch ${r.id}\``).join(", ");
        process.stderr.write(`hearth: get them with ${fetches} or \`hearth models import FILE\` (the detector and face models are needed only with cameras)\n`);
      }
    },
  );

  withStoreOptions(models.command("warm").argument("[ids...]", "model ids (default: every ONNX model)").description("load each model with the configured providers and run it once (builds the TensorRT engine cache)")).action(
    async (ids: string[], options: StoreOptions) => {
      const config = options.config ? loadConfig(options.config) : parseConfig({});
      const dir = resolveStore(options);
      const entries = ids.length ? ids.map(manifestEntry) : allModels().filter((m) => m.files.length);
      for (const entry of entries) {
        const started = performance.now();
        const loaded = await createSession(await modelPath(entry.id, dir), sessionOptionsFor(entry, config.models));
        const loadedMs = performance.now() - started;
        await loaded.run(warmupFeeds(loaded.session, entry));
        const skipped = loaded.skipped.map((s) => s.provider).join(", ");
        process.stdout.write(`${entry.id.padEnd(width(entries.map((e) => e.id)))} ${loaded.provider.padEnd(8)} load ${loadedMs.toFixed(0)} ms, first run ${loaded.metrics.stats().totalMs.toFixed(1)} ms${skipped ? ` (skipped ${skipped}: see the log for why)` : ""}\n`);
        await loaded.session.release();
      }
    },
  );
}
