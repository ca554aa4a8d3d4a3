import assert from "node:assert/strict";
import { test } from "node:test";
import { REDACTED, redact } from "../../../agent/service/redact.ts";

test("secret fields and secret values are removed everywhere", () => {
  const input = {
    mqtt: { host: "broker", password: "hunter22", username: "hearth" },
    porcupine: { access_key: "AbCdEf123==" },
    lastError: "connect failed for hearth:hunter22@broker",
    list: [{ token: 5 }, "AbCdEf123== leaked"],
  };
  const out = redact(input, ["hunter22", "AbCdEf123=="]);
  assert.equal(out.mqtt.password, REDACTED);
  assert.equal(out.mqtt.username, "hearth");
  assert.equal(out.porcupine.access_key, REDACTED);
  assert.equal(out.lastError, `connect failed for hearth:${REDACTED}@broker`);
  assert.deepEqual(out.list, [{ token: REDACTED }, `${REDACTED} leaked`]);
  assert.doesNotMatch(JSON.stringify(out), /hunter22|AbCdEf123/);
  assert.equal(input.mqtt.password, "hunter22", "the input is not modified");
});

test("passwords inside URLs (camera streams) are removed, the rest of the URL kept", () => {
  const out = redact({ cameras: [{ url: "rtsp://admin:S3cret!pw@192.168.1.20:554/stream1" }], note: "see http://user:pa55@host/x and rtsp://nopass@cam/1" });
  assert.equal(out.cameras[0]!.url, `rtsp://admin:${REDACTED}@192.168.1.20:554/stream1`);
  assert.equal(out.note, `see http://user:${REDACTED}@host/x and rtsp://nopass@cam/1`);
});

test("a secret is also found after text normalisation (case and separators changed)", () => {
  const out = redact({ slots: { name: "s3cr3tpw xyz" }, response: "Sorry, I found no S3cr3tPw xyz", text: "turn on S3cr3tPw-xyz" }, ["S3cr3tPw-xyz"]);
  assert.doesNotMatch(JSON.stringify(out), /s3cr3tpw/i);
  assert.equal(out.response, `Sorry, I found no ${REDACTED}`);
});
