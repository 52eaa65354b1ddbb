/**
 * Captures what the code under test writes to stdout (the JSON logger's only output), so tests can
 * assert on log lines and prove that no secret reaches them. Call in a test file's top level.
 */
import { beforeEach, vi } from "vitest";

export function captureLogs(): { lines: () => string[] } {
  const written: string[] = [];
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => {
    written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
    return true;
  });
  beforeEach(() => {
    written.length = 0;
    stdout.mockClear();
  });
  return {
    lines: () =>
      written
        .join("")
        .split("\n")
        .filter((line) => line.length > 0),
  };
}
