import { describe, expect, it } from "vitest";
import { readIfMatch, requireIfMatch } from "../../../shared/http/preconditions.js";
import { apiEvent } from "../../fixtures/api-events.js";

const withIfMatch = (value: string | string[], name = "If-Match") =>
  apiEvent({ method: "PUT", headers: { [name]: value } });

function status(run: () => unknown): number | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { status?: number }).status;
  }
}

describe("readIfMatch", () => {
  it("reads the version from a strong ETag, whatever the header's case", () => {
    expect(readIfMatch(withIfMatch('"1"'))).toBe(1);
    expect(readIfMatch(withIfMatch('"42"', "if-match"))).toBe(42);
    expect(readIfMatch(withIfMatch(' "7" ', "IF-MATCH"))).toBe(7);
  });

  it("is undefined when the header is absent or empty", () => {
    expect(readIfMatch(apiEvent({ method: "DELETE" }))).toBeUndefined();
    expect(readIfMatch(withIfMatch(""))).toBeUndefined();
  });

  it.each([
    ["a wildcard", "*"],
    ["a weak ETag", 'W/"3"'],
    ["a list", '"3", "4"'],
    ["an unquoted number", "3"],
    ["a leading zero", '"03"'],
    ["version zero", '"0"'],
    ["a negative version", '"-1"'],
    ["a fraction", '"1.5"'],
    ["an exponent", '"1e3"'],
    ["text", '"abc"'],
    ["too many digits", `"${"9".repeat(16)}"`],
    ["a half-quoted value", '"3'],
  ])("rejects %s with 400", (_, value) => {
    expect(status(() => readIfMatch(withIfMatch(value)))).toBe(400);
  });

  it("rejects the header given twice with 400", () => {
    expect(status(() => readIfMatch(withIfMatch(['"1"', '"2"'])))).toBe(400);
  });
});

describe("requireIfMatch", () => {
  it("returns the version when one is given", () => {
    expect(requireIfMatch(withIfMatch('"5"'))).toBe(5);
  });

  it("answers 428 when the header is missing", () => {
    expect(status(() => requireIfMatch(apiEvent({ method: "PUT" })))).toBe(428);
  });
});
