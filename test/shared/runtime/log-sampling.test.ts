/**
 * Debug sampling: with `LOG_LEVEL=warn` and `POWERTOOLS_LOGGER_SAMPLE_RATE=0.25`, a quarter of the
 * invocations (one child logger each) log at debug, the rest at warn. The variables are set before
 * `shared/runtime/config.ts` first reads them (it memoises each one).
 */
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env["LOG_LEVEL"] = "warn";
  process.env["POWERTOOLS_LOGGER_SAMPLE_RATE"] = "0.25";
});

const { createLogger } = await import("../../../shared/runtime/logger.js");

/** The levels an invocation wrote, given the random draw its child logger got. */
function invocation(draw: number): string[] {
  const lines: string[] = [];
  const root = createLogger(
    {},
    (line) => lines.push(line),
    () => draw,
  );
  const log = root.child({ requestId: "r-1" });
  log.debug("details");
  log.child({ step: "inner" }).debug("inner details");
  log.info("progress");
  log.warn("odd");
  return lines.map((line) => String((JSON.parse(line) as { level: unknown }).level));
}

describe("debug sampling", () => {
  it("logs a sampled invocation at debug, its nested children included", () => {
    expect(invocation(0.1)).toEqual(["debug", "debug", "info", "warn"]);
  });

  it("logs an invocation outside the sample at LOG_LEVEL", () => {
    expect(invocation(0.25)).toEqual(["warn"]);
    expect(invocation(0.9)).toEqual(["warn"]);
  });

  it("samples each child apart: about the rate over many invocations", () => {
    const lines: string[] = [];
    let n = 0;
    const root = createLogger(
      {},
      (line) => lines.push(line),
      () => (n++ % 100) / 100,
    );
    for (let i = 0; i < 400; i++) root.child({ requestId: `r-${i}` }).debug("details");

    expect(lines).toHaveLength(100);
  });

  it("keeps the root logger itself at LOG_LEVEL", () => {
    const lines: string[] = [];
    createLogger(
      {},
      (line) => lines.push(line),
      () => 0,
    ).debug("details");

    expect(lines).toEqual([]);
  });
});
