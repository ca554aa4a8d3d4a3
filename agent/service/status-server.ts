/**
 * The running agent answers `hearth status` over a Unix socket (HTTP, GET /status,
 * JSON). A socket rather than MQTT so status works while the broker is down; a
 * file mode of 0600 keeps it to the service's own user.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** systemd's RuntimeDirectory for the unit (`RuntimeDirectory=hearth`). */
export const SYSTEMD_RUNTIME_DIR = "/run/hearth";

/**
 * Where the status socket of agent `agentId` lives: $RUNTIME_DIRECTORY (set by
 * systemd for the service), $XDG_RUNTIME_DIR, else a private directory in the
 * temp dir (see privateRuntimeDir). A shell without $RUNTIME_DIRECTORY still
 * finds the service's socket under /run/hearth.
 * @throws Error from privateRuntimeDir when the fallback directory is not private.
 */
export function statusSocketPath(agentId: string, env: NodeJS.ProcessEnv = process.env): string {
  const name = `hearth-${agentId}.sock`;
  if (env.RUNTIME_DIRECTORY) return join(env.RUNTIME_DIRECTORY, name);
  if (existsSync(join(SYSTEMD_RUNTIME_DIR, name))) return join(SYSTEMD_RUNTIME_DIR, name);
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, name);
  return join(privateRuntimeDir(), name);
}

/**
 * `<tmpdir>/hearth-<uid>`, created with mode 0700. /tmp is shared: a socket
 * there could be squatted by another user (a fake agent answering `hearth
 * status`, or refusing the real one its path), so the directory must be a
 * real directory (not a link) owned by this user and closed to others.
 * @throws Error naming the directory when another user owns it or it is open to others.
 */
export function privateRuntimeDir(base = tmpdir()): string {
  const uid = process.getuid?.() ?? 0;
  const dir = join(base, `hearth-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) throw new Error(`status socket directory ${dir} is not a directory (a link or a file put there by someone else); remove it or set XDG_RUNTIME_DIR`);
  if (stat.uid !== uid) throw new Error(`status socket directory ${dir} belongs to uid ${stat.uid}, not to this user (uid ${uid}): refusing to use it; remove it or set XDG_RUNTIME_DIR`);
  if ((stat.mode & 0o077) !== 0) throw new Error(`status socket directory ${dir} has mode ${(stat.mode & 0o777).toString(8)}: others may enter it; refusing to use it (chmod 700 it or set XDG_RUNTIME_DIR)`);
  return dir;
}

/**
 * Serve `snapshot()` (already redacted by the caller) as JSON on GET /status.
 * @throws Error when another agent already answers on `path` (two agents with one id would fight over the broker session).
 */
export async function serveStatus(path: string, snapshot: () => unknown): Promise<Server> {
  if (existsSync(path)) {
    const other = (await fetchStatus(path, 1000).catch(() => undefined)) as { agent?: string; pid?: number } | undefined;
    if (other) throw new Error(`another hearth agent (${other.agent ?? "?"}, pid ${other.pid ?? "?"}) is running with this id and answers on ${path}`);
    rmSync(path);
  }
  const server = createServer((req, res) => {
    if (req.method !== "GET" || req.url !== "/status") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(snapshot()));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(new Error(`status socket ${path}: ${err.message}`)));
    server.listen(path, resolve);
  });
  chmodSync(path, 0o600);
  return server;
}

/**
 * Ask a running agent for its status.
 * @throws Error naming the socket when no agent answers there.
 */
export function fetchStatus(path: string, timeoutMs = 3000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: path, path: "/status", method: "GET", timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(new Error(`status socket ${path}: bad answer: ${(err as Error).message}`));
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (err) => reject(new Error(`no hearth agent answers on ${path} (${(err as NodeJS.ErrnoException).code ?? err.message}); is it running?`)));
    req.end();
  });
}
