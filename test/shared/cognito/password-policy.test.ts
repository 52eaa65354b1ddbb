import { describe, expect, it } from "vitest";
import { meetsPasswordPolicy } from "../../../shared/cognito/password-policy.js";

describe("meetsPasswordPolicy", () => {
  it.each(["Legacy!pass123", "Abcdefghi1", "aB3aaaaaaaaaaaaaaaaaaa"])("accepts %s", (password) => {
    expect(meetsPasswordPolicy(password)).toBe(true);
  });

  it.each([
    ["shorter than 10", "Abcdefgh1"],
    ["no upper-case letter", "abcdefghi1"],
    ["no lower-case letter", "ABCDEFGHI1"],
    ["no digit", "Abcdefghij"],
    ["empty", ""],
  ])("rejects a password with %s", (_, password) => {
    expect(meetsPasswordPolicy(password)).toBe(false);
  });
});
