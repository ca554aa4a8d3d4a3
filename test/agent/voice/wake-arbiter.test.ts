import assert from "node:assert/strict";
import { test } from "node:test";
import { WakeArbiter, type ArbiterClock } from "../../../agent/voice/wake-arbiter.ts";

/** A simulated clock: timers fire only when the test advances time. */
function fakeClock(): ArbiterClock & { advance(ms: number): void } {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void }> = [];
  return {
    schedule: (fn, ms) => void timers.push({ at: now + ms, fn }),
    advance(ms) {
      now += ms;
      for (const t of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

test("within the window only the highest score wins", async () => {
  const clock = fakeClock();
  const arbiter = new WakeArbiter(500, clock);
  const outcomes: Record<string, boolean> = {};
  const offer = (source: string, score: number) => arbiter.submit({ source, model: "alexa", score }).then((won) => (outcomes[source] = won));
  void offer("kitchen", 0.7);
  clock.advance(200);
  void offer("living room", 0.95);
  clock.advance(250);
  void offer("hall", 0.8);
  await settle();
  assert.deepEqual(outcomes, {}, "nobody decided before the window closes");
  clock.advance(50);
  await settle();
  assert.deepEqual(outcomes, { kitchen: false, "living room": true, hall: false });
});

test("detections after the window close start a new round; different wake words do not compete", async () => {
  const clock = fakeClock();
  const arbiter = new WakeArbiter(500, clock);
  const results: string[] = [];
  void arbiter.submit({ source: "a", model: "alexa", score: 0.9 }).then((w) => results.push(`a:${w}`));
  void arbiter.submit({ source: "b", model: "hey_jarvis", score: 0.6 }).then((w) => results.push(`b:${w}`));
  clock.advance(500);
  await settle();
  void arbiter.submit({ source: "c", model: "alexa", score: 0.5 }).then((w) => results.push(`c:${w}`));
  clock.advance(500);
  await settle();
  assert.deepEqual(results, ["a:true", "b:true", "c:true"]);
});

test("ties go to the earliest detection; a zero window decides at once", async () => {
  const clock = fakeClock();
  const arbiter = new WakeArbiter(500, clock);
  const first = arbiter.submit({ source: "a", model: "alexa", score: 0.8 });
  const second = arbiter.submit({ source: "b", model: "alexa", score: 0.8 });
  clock.advance(500);
  assert.deepEqual(await Promise.all([first, second]), [true, false]);
  assert.equal(await new WakeArbiter(0, clock).submit({ source: "x", model: "alexa", score: 0.1 }), true);
});
