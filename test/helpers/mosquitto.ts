/**
 * A private mosquitto broker for tests: its own port, config and data folder,
 * so a test can stop, restart or configure it (auth, TLS) without touching
 * the shared broker on 1883.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface MosquittoOptions {
  /** Extra mosquitto.conf lines for the listener (e.g. `password_file ...`, `cafile ...`). */
  listenerLines?: string[];
  /** Allow clients without credentials (default true unless `users` is set). */
  allowAnonymous?: boolean;
  /** User name → password; written with `mosquitto_passwd`. */
  users?: Record<string, string>;
  /** Keep sessions and retained messages across restarts (default false: a restart forgets everything). */
  persistence?: boolean;
  /** Listen on this port (default: a free one), e.g. one a client was told about before the broker existed. */
  port?: number;
}

/** True when the mosquitto binary is installed (tests skip loudly otherwise). */
export function mosquittoAvailable(): boolean {
  return spawnSync("mosquitto", ["-h"]).error === undefined;
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export class Mosquitto {
  readonly dir: string;
  private process?: ChildProcess;
  private stderr = "";

  private constructor(readonly port: number, private readonly options: MosquittoOptions) {
    this.dir = mkdtempSync(join(tmpdir(), "hearth-mosquitto-"));
    // Started as root, mosquitto drops to the `mosquitto` user, which must read the config and write persistence here.
    chmodSync(this.dir, 0o777);
  }

  /** Start a broker on a free port and wait until it accepts TCP connections. */
  static async start(options: MosquittoOptions = {}): Promise<Mosquitto> {
    const broker = new Mosquitto(options.port ?? (await freePort()), options);
    broker.writeConfig();
    await broker.launch();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  private writeConfig(): void {
    const lines = [`listener ${this.port} 127.0.0.1`, ...(this.options.listenerLines ?? [])];
    if (this.options.users) {
      const passwordFile = join(this.dir, "passwords");
      writeFileSync(passwordFile, "");
      for (const [user, password] of Object.entries(this.options.users)) {
        const result = spawnSync("mosquitto_passwd", ["-b", passwordFile, user, password]);
        if (result.status !== 0) throw new Error(`mosquitto_passwd failed: ${result.stderr}`);
      }
      chmodSync(passwordFile, 0o644);
      lines.push(`password_file ${passwordFile}`);
    }
    const anonymous = this.options.allowAnonymous ?? !this.options.users;
    lines.push(`allow_anonymous ${anonymous}`);
    if (this.options.persistence) lines.push("persistence true", `persistence_location ${this.dir}/`);
    lines.push("log_dest stderr", "log_type error", "log_type warning");
    writeFileSync(join(this.dir, "mosquitto.conf"), lines.join("\n") + "\n");
  }

  private async launch(): Promise<void> {
    this.stderr = "";
    const child = spawn("mosquitto", ["-c", join(this.dir, "mosquitto.conf")], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.process = child;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}: ${this.stderr}`);
      if (await acceptsConnections(this.port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`mosquitto on port ${this.port} did not accept connections within 10 s: ${this.stderr}`);
  }

  /** Stop the broker (SIGTERM) and wait for it to exit. Clients see their connection close. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    child.kill("SIGCONT"); // a frozen broker only sees the SIGTERM once it runs
    await exited;
    this.process = undefined;
  }

  /** Freeze the broker (SIGSTOP): connections stay open but nothing answers, like a hung host. */
  freeze(): void {
    this.process?.kill("SIGSTOP");
  }

  /** Let a frozen broker run again (SIGCONT). */
  thaw(): void {
    this.process?.kill("SIGCONT");
  }

  /** Kill the broker (SIGKILL), as a crash or power loss would: with persistence, only what it saved last (autosave_interval) survives. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
    this.process = undefined;
  }

  /** Start again after stop() or kill(), on the same port with the same config. */
  async startAgain(): Promise<void> {
    if (this.process) return;
    await this.launch();
  }

  /** Stop, then start again on the same port with the same config. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Stop and delete the data folder. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
