import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandInbox } from "../../../devices/mqtt/command-inbox.ts";

const payload = Buffer.from("turn on the porch light");

test("a redelivery (DUP) of a delivery being handled waits for it and is not handled again", async () => {
  const inbox = new CommandInbox(10);
  const fp = CommandInbox.fingerprint(7, "hearth/x/text", payload);
  assert.deepEqual(inbox.admit(fp, false), { kind: "new" });
  let finish!: () => void;
  const settled = inbox.track(fp, new Promise<void>((r) => (finish = r)));
  assert.equal(inbox.pending, 1);
  const again = inbox.admit(fp, true);
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
  assert.equal(inbox.admit(fp, true).kind, "redelivery");
  assert.equal(inbox.redeliveries, 2);
});

test("only DUP deliveries are compared: a new message reusing a packet id and text is handled", async () => {
  const inbox = new CommandInbox(10);
  const fp = CommandInbox.fingerprint(7, "hearth/x/text", payload);
  await inbox.track(fp, Promise.resolve());
  assert.deepEqual(inbox.admit(fp, false), { kind: "new" });
  // Same packet id, other text: another message.
  assert.deepEqual(inbox.admit(CommandInbox.fingerprint(7, "hearth/x/text", Buffer.from("turn off the porch light")), true), { kind: "new" });
  // QoS 0 has no packet id, hence no fingerprint.
  assert.equal(CommandInbox.fingerprint(undefined, "hearth/x/text", payload), undefined);
  assert.deepEqual(inbox.admit(undefined, true), { kind: "new" });
});

test("past `limit` pending, deliveries are refused and counted; a rejected handler still frees its slot", async () => {
  const inbox = new CommandInbox(2);
  let fail!: (e: Error) => void;
  const a = inbox.track(undefined, new Promise<void>((_, reject) => (fail = reject)));
  const b = inbox.track(undefined, new Promise<void>(() => undefined));
  assert.deepEqual(inbox.admit(undefined, false), { kind: "full", pending: 2 });
  assert.equal(inbox.refused, 1);
  fail(new Error("handler threw"));
  await a;
  assert.equal(inbox.pending, 1);
  assert.deepEqual(inbox.admit(undefined, false), { kind: "new" });
  void b;
});
