import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { fetchModel } from "../../models/fetch.ts";
import { ModelIntegrityError, sha256File } from "../../models/store.ts";

const shared = join(dirname(fileURLToPath(import.meta.url)), "../../../shared/models/yolox_nano.onnx");

/** A loopback HTTP server; `handler` sees every request and the Range header it carried. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; ranges: Array<string | undefined> }> {
  const ranges: Array<string | undefined> = [];
  const server = createServer((req, res) => {
    ranges.push(req.headers.range);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/yolox_nano.onnx`, server, ranges };
}

function sendRange(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  if (!match) {
    res.writeHead(200, { "content-length": body.length });
    res.end(body);
    return;
  }
  const start = Number(match[1]);
  res.writeHead(206, { "content-length": body.length - start, "content-range": `bytes ${start}-${body.length - 1}/${body.length}` });
  res.end(body.subarray(start));
}

test("fetch downloads over HTTP, verifies the sha256 and renames the file into place", async (t) => {
  if (!existsSync(shared)) return t.skip("../shared absent: ../shared/models/yolox_nano.onnx");
  const body = readFileSync(shared);
  const { url, server, ranges } = await serve((req, res) => sendRange(req, res, body));
  const dir = mkdtempSync(join(tmpdir(), "hearth-fetch-"));
  t.after(() => (server.close(), rmSync(dir, { recursive: true, force: true })));
  const seen: number[] = [];
  const result = await fetchModel("yolox-nano", { dir, url, onProgress: (received) => seen.push(received) });
  assert.equal(result.status, "downloaded");
  assert.equal(result.path, join(dir, "yolox_nano.onnx"));
  assert.equal(await sha256File(result.path), "e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd");
  assert.equal(existsSync(`${result.path}.part`), false);
  assert.deepEqual(ranges, [undefined]);
  assert.equal(seen.at(-1), body.length);
  const again = await fetchModel("yolox-nano", { dir, url });
  assert.equal(again.status, "present");
  assert.equal(ranges.length, 1, "a verified file is not downloaded again");
});

test("fetch refuses a file whose sha256 differs and deletes it", async (t) => {
  if (!existsSync(shared)) return t.skip("../shared absent: ../shared/models/yolox_nano.onnx");
  const body = Buffer.from(readFileSync(shared));
  body[body.length >> 1] ^= 0xff;
  const { url, server } = await serve((req, res) => sendRange(req, res, body));
  const dir = mkdtempSync(join(tmpdir(), "hearth-fetch-"));
  t.after(() => (server.close(), rmSync(dir, { recursive: true, force: true })));
  await assert.rejects(fetchModel("yolox-nano", { dir, url }), (err: unknown) => {
    assert.ok(err instanceof ModelIntegrityError);
    assert.equal(err.expected, "e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd");
    assert.match(err.message, /corrupt: sha256 [0-9a-f]{64}, expected e8af07/);
    return true;
  });
  assert.equal(existsSync(join(dir, "yolox_nano.onnx")), false);
  assert.equal(existsSync(join(dir, "yolox_nano.onnx.part")), false);
});

test("an interrupted download resumes with a Range request", async (t) => {
  if (!existsSync(shared)) return t.skip("../shared absent: ../shared/models/yolox_nano.onnx");
  const body = readFileSync(shared);
  const cut = 1_000_000;
  let first = true;
  const { url, server, ranges } = await serve((req, res) => {
    if (first) {
      first = false;
      // Announce the whole file, send part of it, then drop the connection.
      res.writeHead(200, { "content-length": body.length });
      res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 50));
      return;
    }
    sendRange(req, res, body);
  });
  const dir = mkdtempSync(join(tmpdir(), "hearth-fetch-"));
  t.after(() => (server.close(), rmSync(dir, { recursive: true, force: true })));
  await assert.rejects(fetchModel("yolox-nano", { dir, url }), /broke off at \d+ of 3678356 bytes/);
  const partial = statSync(join(dir, "yolox_nano.onnx.part")).size;
  assert.ok(partial > 0 && partial <= cut, `kept ${partial} bytes`);
  const result = await fetchModel("yolox-nano", { dir, url });
  assert.equal(result.status, "downloaded");
  assert.equal(result.resumedFrom, partial);
  assert.deepEqual(ranges, [undefined, `bytes=${partial}-`]);
  assert.equal(await sha256File(result.path), "e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd");
});
