import assert from "node:assert/strict";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fetchStatus, serveStatus, statusSocketPath } from "../../../agent/service/status-server.ts";

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
