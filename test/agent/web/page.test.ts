/**
 * The memory page of `hearth run`, in a real browser (Debian's chromium driven
 * by playwright-core, headless): the service runs a clip made with ffmpeg from
 * the COCO pictures in ../shared (a cat, cyclists, a dog: still images looped,
 * played at the media's pace) through YOLOX into the SQLite memory; the page
 * lists the events with thumbnails, a search for "person" lists only the
 * people, and a screenshot is written to reports/. Then the access rules
 * over plain HTTP: the token, the pictures found by id only, the methods.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { runService } from "../../../agent/cli/run-command.ts";
import { parseConfig } from "../../../agent/config/load.ts";
import { MemoryStore } from "../../../agent/memory/store.ts";
import { freePort, Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";
import { stillClip } from "../../helpers/still-clip.ts";

const CHROMIUM = "/usr/bin/chromium";
const reports = join(dirname(fileURLToPath(import.meta.url)), "../../../reports");
const skip =
  sharedDataMissing() ??
  (!mosquittoAvailable() ? "mosquitto not installed" : spawnSync("ffmpeg", ["-version"]).error ? "ffmpeg not installed" : !existsSync(CHROMIUM) ? `no browser at ${CHROMIUM}: install Debian's chromium (.ci/run's apt-get line)` : false);
if (skip) console.warn(`SKIPPING the memory page's browser test: ${skip}`);

test("hearth run serves the memory page: events with thumbnails, a search for person, the token", { skip, timeout: 240_000 }, async () => {
  process.env.HEARTH_MODEL_DIR = sharedData("..", "models");
  // 0–3 s a cat, 3–5 s zebras (none of the camera's labels), 5–8 s five people and bicycles, 8–10 s zebras, 10–13 s a dog, 13–15 s zebras.
  const clip = stillClip([["coco_000000475732.jpg", 3], ["coco_000000215245.jpg", 2], ["coco_000000038829.jpg", 3], ["coco_000000215245.jpg", 2], ["darknet_dog.jpg", 3], ["coco_000000215245.jpg", 2]]);
  const dir = mkdtempSync(join(tmpdir(), "hearth-page-"));
  const broker = await Mosquitto.start();
  const port = await freePort();
  const token = "page-test-token-0123456789";
  const config = parseConfig({
    agent: { id: "page" },
    mqtt: { port: broker.port },
    service: { status_socket: join(dir, "status.sock") },
    memory: { enabled: true, path: join(dir, "memory.db"), flush_ms: 100 },
    web: { listen: `127.0.0.1:${port}`, token },
    cameras: [{ name: "hall", file: clip, area: "Hallway", fps: 5, motion: { enabled: false }, labels: { person: { min_score: 0.5 }, cat: { min_score: 0.5 }, dog: {} } }],
  });
  const service = await runService(config);
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  try {
    await service.ready;
    // The clip plays at its own pace; wait until the dog's visit (the last) has ended and been committed.
    const db = join(dir, "memory.db");
    for (const until = Date.now() + 60_000; ; ) {
      const store = existsSync(db) ? new MemoryStore(db, { readonly: true }) : undefined;
      const dog = store?.search({ label: "dog" })[0];
      store?.close();
      if (dog?.end_ms && dog.thumbnail_path) break;
      if (Date.now() > until) throw new Error("the dog's event was not recorded within 60 s");
      await new Promise((r) => setTimeout(r, 250));
    }
    const store = new MemoryStore(db, { readonly: true });
    const all = store.search();
    const people = store.search({ label: "person" });
    store.close();
    assert.ok(people.length >= 4 && people.length <= 6, `the cyclists and bystanders: ${people.length} people`);

    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await page.goto(`${base}/?token=${token}`);
    assert.equal(await page.locator("tr.event").count(), all.length, "every event is listed");
    const thumbs = page.locator("tr.event img.thumb");
    assert.equal(await thumbs.count(), all.length, "each with its thumbnail");
    const loaded = await thumbs.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalHeight));
    assert.ok(loaded.every((h) => h === 175), `thumbnails decoded at 175 px: ${loaded.join(",")}`);
    assert.equal(await page.locator("figure.camera img").count(), 1, "the camera's latest snapshot");

    // The search form: label person. The cookie set by the first visit keeps the token.
    await page.selectOption("select[name=label]", "person");
    await page.click("button[type=submit]");
    await page.waitForURL(/label=person/);
    const labels = await page.locator("tr.event td.label").allTextContents();
    assert.deepEqual(labels, people.map(() => "person"));
    assert.equal(await page.locator("tr.event img.thumb").count(), people.length);
    mkdirSync(reports, { recursive: true });
    await page.screenshot({ path: join(reports, "memory-page.png"), fullPage: true });
    await page.selectOption("select[name=label]", "cat");
    await page.click("button[type=submit]");
    await page.waitForURL(/label=cat/);
    assert.deepEqual(await page.locator("tr.event td.label").allTextContents(), ["cat"]);
    // The search box: free text read by the question sentences.
    await page.selectOption("select[name=label]", "");
    await page.fill("input[name=q]", "the dog in the hallway today");
    await page.click("button[type=submit]");
    await page.waitForURL(/q=the\+dog/);
    assert.equal(await page.locator("#notice").textContent(), "Searching: dog · Hallway · today");
    assert.deepEqual(await page.locator("tr.event td.label").allTextContents(), ["dog"]);
    await page.fill("input[name=q]", "purple elephants dancing");
    await page.click("button[type=submit]");
    await page.waitForURL(/q=purple/);
    assert.match((await page.locator("#notice").textContent()) ?? "", /not understood/);

    // Over plain HTTP: the token is needed, pictures are found by event id only.
    assert.equal((await fetch(`${base}/`)).status, 401);
    assert.equal((await fetch(`${base}/?token=wrong-token-0123456789ab`)).status, 401);
    const bearer = await fetch(`${base}/api/events?label=dog`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(bearer.status, 200);
    assert.deepEqual(((await bearer.json()) as { label: string }[]).map((e) => e.label), ["dog"]);
    const auth = { headers: { authorization: `Bearer ${token}` } };
    const thumb = await fetch(`${base}/events/${encodeURIComponent(people[0]!.id)}/thumbnail.jpg`, auth);
    assert.deepEqual([thumb.status, thumb.headers.get("content-type")], [200, "image/jpeg"]);
    assert.equal((await fetch(`${base}/events/..%2F..%2F..%2Fetc%2Fpasswd/snapshot.jpg`, auth)).status, 404);
    assert.equal((await fetch(`${base}/events/nope/thumbnail.jpg`, auth)).status, 404);
    assert.equal((await fetch(`${base}/`, { ...auth, method: "POST" })).status, 405);
    const bad = await fetch(`${base}/api/events?since=soon`, auth);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /^since: "soon"/);
    assert.match((await (await fetch(`${base}/?since=soon`, auth)).text()), /class="notice" id="notice">since: &quot;soon&quot;/);
  } finally {
    await browser.close();
    await service.stop();
    await broker.stop();
  }
});
