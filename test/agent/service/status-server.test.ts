import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fetchStatus, privateRuntimeDir, serveStatus, statusSocketPath } from "../../../agent/service/status-server.ts";

test("status is served as JSON on a 0600 unix socket", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-status-"));
  const path = statusSocketPath("kitchen", { RUNTIME_DIRECTORY: dir });
  assert.equal(path, join(dir, "hearth-kitchen.sock"));
  let n = 0;
  const server = await serveStatus(path, () => ({ broker: "connected", n: ++n }));
  try {
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(await fetchStatus(path), { broker: "connected", n: 1 });
    assert.deepEqual(await fetchStatus(path), { broker: "connected", n: 2 });
  } finally {
    server.close();
  }
});

test("no agent: the error names the socket", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "hearth-status-")), "none.sock");
  await assert.rejects(fetchStatus(path), new RegExp(`no hearth agent answers on ${path.replace(/[/.]/g, "\\$&")} \\(ENOENT\\)`));
});

test("a second agent with the same socket is refused, naming the running one", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "hearth-status-")), "hearth-box.sock");
  const first = await serveStatus(path, () => ({ agent: "box", pid: 4242 }));
  try {
    await assert.rejects(serveStatus(path, () => ({})), /another hearth agent \(box, pid 4242\) is running with this id/);
    assert.deepEqual(await fetchStatus(path), { agent: "box", pid: 4242 }, "the first keeps its socket");
  } finally {
    first.close();
  }
  // A stale socket file (the agent died) is taken over.
  const second = await serveStatus(path, () => ({ agent: "box", pid: 1 }));
  second.close();
});

test("without RUNTIME_DIRECTORY or XDG_RUNTIME_DIR the socket lives in a private 0700 directory (../shared/attacks/11)", () => {
  const path = statusSocketPath("squat", {});
  const dir = dirname(path);
  assert.equal(dir, join(tmpdir(), `hearth-${process.getuid!()}`));
  assert.equal(statSync(dir).mode & 0o777, 0o700);
});

test("a squatted fallback directory is refused, naming it", () => {
  const base = mkdtempSync(join(tmpdir(), "hearth-squat-"));
  const dir = join(base, `hearth-${process.getuid!()}`);
  mkdirSync(dir, { mode: 0o777 });
  chmodSync(dir, 0o777);
  assert.throws(() => privateRuntimeDir(base), new RegExp(`${dir}.*mode 777`));
  if (process.getuid!() === 0) {
    chmodSync(dir, 0o700);
    chownSync(dir, 65534, 65534);
    assert.throws(() => privateRuntimeDir(base), new RegExp(`${dir} belongs to uid 65534`));
  }
  rmSync(dir, { recursive: true });
  symlinkSync(base, dir);
  assert.throws(() => privateRuntimeDir(base), /not a directory/);
  rmSync(dir);
  assert.equal(privateRuntimeDir(base), dir);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
});
