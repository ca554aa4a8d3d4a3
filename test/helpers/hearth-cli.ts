/**
 * Run the `hearth` CLI as a child process, the way a user or systemd does:
 * `node --import tsx agent/cli/main.ts <args>`. One-shot commands resolve
 * with exit code, stdout and stderr; the long-running service is a
 * HearthProcess that a test stops with SIGTERM.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fetchStatus } from "../../agent/service/status-server.ts";

export const HEARTH_MAIN = fileURLToPath(new URL("../../agent/cli/main.ts", import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let testStateDirectory: string | undefined;

/**
 * The child's environment: the caller's additions over this process's, and a
 * state directory of this test file's own unless the caller names one, so
 * timers and the command journal of one test run never leak into the next
 * (or into the user's ~/.local/share/hearth).
 */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  if (extra.STATE_DIRECTORY !== undefined || extra.XDG_DATA_HOME !== undefined) return { ...process.env, ...extra };
  testStateDirectory ??= mkdtempSync(join(tmpdir(), "hearth-test-state-"));
  return { ...process.env, STATE_DIRECTORY: testStateDirectory, ...extra };
}

function hearthArgs(args: string[]): string[] {
  return ["--import", "tsx", HEARTH_MAIN, ...args];
}

/**
 * Run `hearth ARGS` to completion.
 * @throws Error with the output so far when it runs longer than `timeoutMs` (the child is killed).
 */
export function runHearth(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, hearthArgs(args), { stdio: ["ignore", "pipe", "pipe"], env: childEnv(options.env) });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`hearth ${args.join(" ")} ran longer than ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Most stderr a HearthProcess keeps (the service logs a line per skipped discovery topic). */
const MAX_KEPT_STDERR = 1_000_000;

/** `hearth run` (or another long-running sub-command) as a child process. */
export class HearthProcess {
  private stderrText = "";
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    // Always drain stderr: a full pipe would block the child's synchronous log writes.
    child.stderr!.on("data", (chunk: Buffer) => {
      this.stderrText += chunk.toString();
      if (this.stderrText.length > MAX_KEPT_STDERR) this.stderrText = this.stderrText.slice(-MAX_KEPT_STDERR / 2);
    });
    child.stdout!.resume();
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  static start(args: string[], env: NodeJS.ProcessEnv = {}): HearthProcess {
    return new HearthProcess(spawn(process.execPath, hearthArgs(args), { stdio: ["ignore", "pipe", "pipe"], env: childEnv(env) }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** True while the process has neither exited nor been killed. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last ~1 MB of the process's stderr (its log). */
  get stderr(): string {
    return this.stderrText;
  }

  /** Resolve once stderr matches `pattern`; fail (with the log) if the process exits first or after `ms`. */
  async waitForLog(pattern: RegExp, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pattern.test(this.stderrText)) {
      if (!this.running) throw new Error(`hearth exited before logging ${pattern}:\n${this.stderrText}`);
      if (Date.now() > deadline) throw new Error(`hearth did not log ${pattern} within ${ms} ms:\n${this.stderrText}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Resolve once the service's status socket reports the broker connected and
   * at least `minEntities` entities discovered; fail if the process exits first or after `ms`.
   */
  async waitUntilReady(socket: string, minEntities: number, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    let last: unknown;
    for (;;) {
      if (!this.running) throw new Error(`hearth exited before it was ready:\n${this.stderrText}`);
      if (Date.now() > deadline) throw new Error(`hearth not ready within ${ms} ms (last status ${JSON.stringify(last)}):\n${this.stderrText}`);
      last = await fetchStatus(socket, 1000).catch((err: Error) => err.message);
      const status = last as { broker?: { state?: string }; entities?: number };
      if (status?.broker?.state === "connected" && (status.entities ?? 0) >= minEntities) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Send `signal` (default SIGTERM) and resolve with how the process ended; SIGKILL after `ms`. */
  async stop(signal: NodeJS.Signals = "SIGTERM", ms = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), ms);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

/** Write `lines` as a YAML config file in a fresh temporary folder; returns its path. */
export function writeConfigFile(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "hearth-e2e-")), "hearth.yaml");
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

/** Write JSON lines (`hearth say --input`) next to nothing else; returns the path. */
export function writeJsonLines(records: unknown[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "hearth-e2e-input-")), "input.jsonl");
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return file;
}

/**
 * Run `hearth say ARGS --config CONFIG --json --wait-ms 2000`, require exit 0,
 * and parse its stdout as one JSON object per line.
 */
export async function sayJson<T>(config: string, args: string[]): Promise<T[]> {
  const result = await runHearth(["say", ...args, "--config", config, "--json", "--wait-ms", "2000"]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as T);
}
