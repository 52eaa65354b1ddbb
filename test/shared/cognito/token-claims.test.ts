import { describe, expect, it } from "vitest";
import { claimsOverride, tokenClaims } from "../../../shared/cognito/token-claims.js";

describe("tokenClaims", () => {
  it("takes org from the stored email's domain, lower-case, and plan from the profile", () => {
    expect(tokenClaims({ email: "Ada@Example.COM", plan: "pro" })).toEqual({
      org: "example.com",
      plan: "pro",
    });
  });

  it("defaults the plan to free", () => {
    expect(tokenClaims({ email: "ada@example.com", plan: "" }).plan).toBe("free");
  });

  it("leaves org out rather than guess it from an email that does not parse", () => {
    expect(tokenClaims({ email: "not an email", plan: "free" })).toEqual({ plan: "free" });
  });
});

describe("claimsOverride", () => {
  it("adds the same claims to the ID token and the access token, and nothing else", () => {
    expect(claimsOverride({ org: "example.com", plan: "free" })).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { org: "example.com", plan: "free" } },
      accessTokenGeneration: { claimsToAddOrOverride: { org: "example.com", plan: "free" } },
    });
  });

  it("gives each token its own claim map", () => {
    const details = claimsOverride({ org: "example.com", plan: "free" });

    expect(details.idTokenGeneration?.claimsToAddOrOverride).not.toBe(
      details.accessTokenGeneration?.claimsToAddOrOverride,
    );
  });
});
