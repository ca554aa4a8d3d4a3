import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandInbox } from "../../../devices/mqtt/command-inbox.ts";

const payload = Buffer.from("turn on the porch light");

test("a redelivery (DUP) of a delivery being handled waits for it and is not handled again", async () => {
  const inbox = new CommandInbox(10);
  const fp = CommandInbox.fingerprint(7, "hearth/x/text", payload);
  assert.deepEqual(inbox.admit(fp, false, 1), { kind: "new" });
  let finish!: () => void;
  const settled = inbox.track(fp, new Promise<void>((r) => (finish = r)));
  assert.equal(inbox.pending, 1);
  const again = inbox.admit(fp, true, 1);
  assert.equal(again.kind, "redelivery");
  let redeliveryAcked = false;
  void (again as { settled: Promise<void> }).settled.then(() => (redeliveryAcked = true));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(redeliveryAcked, false, "acknowledged only once the original is handled");
  finish();
  await settled;
  await new Promise((r) => setImmediate(r));
  assert.equal(redeliveryAcked, true);
  assert.equal(inbox.pending, 0);
  // After it was handled, a later redelivery is recognised too.
  assert.equal(inbox.admit(fp, true, 1).kind, "redelivery");
  assert.equal(inbox.redeliveries, 2);
});

test("only DUP deliveries are compared: a new message reusing a packet id and text is handled", async () => {
  const inbox = new CommandInbox(10);
  const fp = CommandInbox.fingerprint(7, "hearth/x/text", payload);
  await inbox.track(fp, Promise.resolve());
  assert.deepEqual(inbox.admit(fp, false, 1), { kind: "new" });
  // Same packet id, other text: another message.
  assert.deepEqual(inbox.admit(CommandInbox.fingerprint(7, "hearth/x/text", Buffer.from("turn off the porch light")), true, 1), { kind: "new" });
  // QoS 0 has no packet id, hence no fingerprint.
  assert.equal(CommandInbox.fingerprint(undefined, "hearth/x/text", payload), undefined);
  assert.deepEqual(inbox.admit(undefined, true, 0), { kind: "new" });
});

test("past `limit` pending, QoS 0 deliveries are refused and counted, QoS 1 ones never; belowLimit waits for a free slot; a rejected handler frees its slot", async () => {
  const inbox = new CommandInbox(2);
  let fail!: (e: Error) => void;
  const a = inbox.track(undefined, new Promise<void>((_, reject) => (fail = reject)));
  const b = inbox.track(undefined, new Promise<void>(() => undefined));
  assert.deepEqual(inbox.admit(undefined, false, 0), { kind: "full", pending: 2 });
  assert.equal(inbox.refused, 1);
  assert.deepEqual(inbox.admit(CommandInbox.fingerprint(1, "t", payload), false, 1), { kind: "new" });
  let free = false;
  void inbox.belowLimit().then(() => (free = true));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(free, false);
  fail(new Error("handler threw"));
  await a;
  await new Promise((r) => setImmediate(r));
  assert.equal(free, true);
  assert.equal(inbox.pending, 1);
  assert.deepEqual(inbox.admit(undefined, false, 0), { kind: "new" });
  void b;
});
