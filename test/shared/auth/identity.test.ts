import { describe, expect, it } from "vitest";
import { ForbiddenError, UnauthorizedError } from "../../../shared/http/errors.js";
import { requireAdmin } from "../../../shared/auth/identity.js";
import { apiEvent } from "../../fixtures/api-events.js";

describe("requireAdmin", () => {
  it.each(["cognito", "lambda"] as const)(
    "returns the caller in the admins group, from the %s authorizer's shape",
    (authorizer) => {
      const event = apiEvent({ sub: "admin-1", groups: ["beta", "admins"], authorizer });

      expect(requireAdmin(event)).toMatchObject({ sub: "admin-1", groups: ["beta", "admins"] });
    },
  );

  it("reads groups as API Gateway's Cognito authorizer renders them ([a b])", () => {
    const event = apiEvent({ sub: "admin-1", claims: { "cognito:groups": "[beta admins]" } });

    expect(requireAdmin(event).sub).toBe("admin-1");
  });

  it.each([
    ["no groups", []],
    ["a differently cased group", ["Admins"]],
    ["a group containing the name", ["admins-lite", "superadmins"]],
  ])("refuses a caller with %s (403)", (_, groups) => {
    expect(() => requireAdmin(apiEvent({ sub: "user-1", groups }))).toThrow(ForbiddenError);
  });

  it("refuses a request no authorizer vouched for (401)", () => {
    expect(() => requireAdmin(apiEvent({ sub: null }))).toThrow(UnauthorizedError);
  });
});
