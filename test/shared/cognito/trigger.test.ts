import { describe, expect, it } from "vitest";
import {
  TriggerError,
  maskingLogger,
  poolUser,
  unsupportedTriggerSource,
} from "../../../shared/cognito/trigger.js";
import { createLogger } from "../../../shared/runtime/logger.js";
import { captureLogs } from "../../support/captured-logs.js";

const stdout = captureLogs();

function recorder() {
  const lines: string[] = [];
  return { lines, log: createLogger({}, (line) => lines.push(line)) };
}

describe("maskingLogger", () => {
  it("masks the secret wherever it appears, error messages and child context included", () => {
    const { lines, log } = recorder();
    const secret = 'pa"ss\\word-42';

    const masked = maskingLogger(log, secret);
    masked.error("failed", { error: new Error(`bad input ${secret}`), nested: { note: secret } });
    masked.child({ hint: `x${secret}x` }).info("child");

    expect(lines).toHaveLength(2);
    expect(lines.join("\n")).not.toContain("word-42");
    expect(lines[0]).toContain("bad input [REDACTED]");
    expect(lines[1]).toContain('"hint":"x[REDACTED]x"');
  });

  it("leaves the logger as it is without a secret", () => {
    const { log } = recorder();

    expect(maskingLogger(log, undefined)).toBe(log);
    expect(maskingLogger(log, "")).toBe(log);
  });
});

describe("poolUser", () => {
  it("returns the sub and email of the attributes", () => {
    expect(poolUser({ sub: "s-1", email: "ada@example.com", name: "Ada" })).toEqual({
      sub: "s-1",
      email: "ada@example.com",
    });
  });

  it.each<Record<string, string>>([
    { email: "ada@example.com" },
    { sub: "s-1" },
    { sub: "", email: "" },
  ])("refuses %j with a message a user may read, logging only attribute names", (attributes) => {
    expect(() => poolUser(attributes)).toThrow(TriggerError);
    expect(stdout.lines().join("\n")).not.toContain("ada@example.com");
  });
});

describe("unsupportedTriggerSource", () => {
  it("refuses with a readable message and logs the source, given the event or the source", () => {
    expect(() => unsupportedTriggerSource({ triggerSource: "X_One" } as never)).toThrow(
      "This request is not supported.",
    );
    expect(() => unsupportedTriggerSource("X_Two" as never)).toThrow(TriggerError);

    expect(stdout.lines().join("\n")).toContain("X_One");
    expect(stdout.lines().join("\n")).toContain("X_Two");
  });
});
