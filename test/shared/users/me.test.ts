import { describe, expect, it } from "vitest";
import { profileUpdate } from "../../../shared/users/me.js";
import { parseValue } from "../../../shared/http/validation.js";

function issue(data: unknown): string | undefined {
  try {
    parseValue(profileUpdate, data);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("profileUpdate", () => {
  it("accepts a display name of 1 to 100 characters", () => {
    expect(parseValue(profileUpdate, { displayName: "Ada" })).toEqual({ displayName: "Ada" });
    expect(issue({ displayName: "x" })).toBeUndefined();
    expect(issue({ displayName: "x".repeat(100) })).toBeUndefined();
  });

  it("rejects an empty, blank, multi-line or too long display name", () => {
    expect(issue({ displayName: "" })).toMatch(/^displayName: must be at least 1/);
    expect(issue({ displayName: "  " })).toBe("displayName: must contain a visible character");
    expect(issue({ displayName: "Ada\nLovelace" })).toBe("displayName: must be a single line");
    expect(issue({ displayName: "x".repeat(101) })).toMatch(/^displayName: must be at most 100/);
  });

  it("rejects control characters and lone surrogates", () => {
    expect(issue({ displayName: "Ada\u0000" })).toBe(
      "displayName: must not contain control characters",
    );
    expect(issue({ displayName: "Ada\ud800" })).toBe("displayName: must be valid Unicode");
  });

  it.each(["email", "plan", "status", "sub", "groups", "role", "loginCount", "createdAt"])(
    "rejects the field %s, which a user may not write",
    (field) => {
      expect(issue({ displayName: "Ada", [field]: "x" })).toBe(`${field}: is not an allowed field`);
    },
  );

  it("rejects __proto__ from JSON.parse and an empty object", () => {
    expect(issue(JSON.parse('{"displayName":"Ada","__proto__":{"plan":"pro"}}'))).toBe(
      "__proto__: is not an allowed field",
    );
    expect(issue({})).toBe("displayName: is required");
  });
});
