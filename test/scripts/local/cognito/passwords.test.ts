import { describe, expect, it } from "vitest";
import { policyViolation } from "../../../../scripts/local/cognito/passwords.js";

const strict = {
  MinimumLength: 10,
  RequireLowercase: true,
  RequireUppercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
};

describe("policyViolation", () => {
  it("accepts a password meeting every rule", () => {
    expect(policyViolation(strict, "Abcdefgh1!")).toBeUndefined();
  });

  it.each([
    ["Abcdefg1!", "Password not long enough"],
    ["abcdefgh1!", "Password must have uppercase characters"],
    ["ABCDEFGH1!", "Password must have lowercase characters"],
    ["Abcdefghi!", "Password must have numeric characters"],
    ["Abcdefghi1", "Password must have symbol characters"],
    [" Abcdefgh1 ", "Password must have symbol characters"],
  ])("refuses %j: %s", (password, message) => {
    expect(policyViolation(strict, password)).toBe(message);
  });

  it("counts an inner space as a symbol, and defaults to 8 characters", () => {
    expect(policyViolation(strict, "Abcd efgh1")).toBeUndefined();
    expect(policyViolation({}, "1234567")).toBe("Password not long enough");
    expect(policyViolation({}, "12345678")).toBeUndefined();
  });
});
