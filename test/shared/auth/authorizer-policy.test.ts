import { describe, expect, it } from "vitest";
import { allow, apiResource, claimsContext, deny } from "../../../shared/auth/authorizer-policy.js";
import { awsArn, offlineArn } from "../../fixtures/authorizer-events.js";

describe("apiResource", () => {
  it("keeps the API id and stage of the method ARN and drops method and path", () => {
    expect(apiResource(awsArn("GET", "/notes/01J0"))).toBe(
      "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*",
    );
  });

  it("works with serverless-offline's fake ids and route templates", () => {
    expect(apiResource(offlineArn("POST", "/admin/users/{sub}/disable"), "*/admin/*")).toBe(
      "arn:aws:execute-api:us-east-1:random-account-id:random-api-id/local/*/admin/*",
    );
  });

  it("refuses something that is not a method ARN", () => {
    expect(() => apiResource("not-an-arn")).toThrow();
    expect(() => apiResource("arn:aws:execute-api:us-east-1:1:api")).toThrow();
  });
});

describe("allow and deny", () => {
  it("build one execute-api:Invoke statement with the principal and context", () => {
    const result = allow("sub-1", "res", { sub: "sub-1" });

    expect(result).toEqual({
      principalId: "sub-1",
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: "res" }],
      },
      context: { sub: "sub-1" },
    });
    expect(deny("sub-1", "res").policyDocument.Statement[0]?.Effect).toBe("Deny");
    expect(deny("sub-1", "res").context).toBeUndefined();
  });
});

describe("claimsContext", () => {
  it("flattens the claims to strings, joining groups and leaving out absent claims", () => {
    const context = claimsContext({ sub: "s", username: "u", groups: ["admins", "beta"] });

    expect(context).toEqual({ sub: "s", username: "u", groups: "admins,beta" });
  });

  it("passes email, org and plan when the token has them", () => {
    const context = claimsContext({
      sub: "s",
      username: "u",
      groups: [],
      email: "ada@example.com",
      org: "example.com",
      plan: "pro",
    });

    expect(context).toEqual({
      sub: "s",
      username: "u",
      groups: "",
      email: "ada@example.com",
      org: "example.com",
      plan: "pro",
    });
  });
});
