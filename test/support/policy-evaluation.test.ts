import type { PolicyDocument } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { apiResource } from "../../shared/auth/authorizer-policy.js";
import { awsArn } from "../fixtures/authorizer-events.js";
import { evaluatePolicy, wildcardMatch } from "./policy-evaluation.js";

describe("wildcardMatch", () => {
  it.each([
    ["*", "anything/at/all", true],
    ["a*/admin/*", "a/GET/admin/users", true],
    ["a/*/admin/*", "a/GET/notes", false],
    ["a/?ET/x", "a/GET/x", true],
    ["a/?ET/x", "a/GGET/x", false],
    ["a.b", "axb", false],
    ["a+b(c)", "a+b(c)", true],
    ["exact", "exact/more", false],
  ])("%s against %s is %s", (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });
});

describe("evaluatePolicy", () => {
  const arn = awsArn("GET", "/admin/users");
  const statement = (
    Effect: "Allow" | "Deny",
    Resource: string | string[],
    Action = "execute-api:Invoke",
  ) => ({
    Effect,
    Action,
    Resource,
  });
  const policy = (...Statement: PolicyDocument["Statement"]): PolicyDocument => ({
    Version: "2012-10-17",
    Statement,
  });

  it("allows what an Allow statement covers", () => {
    expect(evaluatePolicy(policy(statement("Allow", apiResource(arn))), arn)).toBe("Allow");
  });

  it("denies by default what no statement covers", () => {
    const other = "arn:aws:execute-api:us-east-1:123456789012:otherapi/dev/*";

    expect(evaluatePolicy(policy(statement("Allow", other)), arn)).toBe("Deny");
    expect(evaluatePolicy(policy(), arn)).toBe("Deny");
  });

  it("lets an explicit Deny win over an Allow", () => {
    const both = policy(statement("Allow", "*"), statement("Deny", apiResource(arn)));

    expect(evaluatePolicy(both, arn)).toBe("Deny");
  });

  it("ignores statements about other actions", () => {
    expect(
      evaluatePolicy(policy(statement("Allow", "*", "execute-api:ManageConnections")), arn),
    ).toBe("Deny");
    expect(evaluatePolicy(policy(statement("Allow", "*", "execute-api:*")), arn)).toBe("Allow");
  });

  it("matches any resource of a list", () => {
    expect(evaluatePolicy(policy(statement("Allow", ["nope", apiResource(arn)])), arn)).toBe(
      "Allow",
    );
  });

  it("does not let another stage's policy through", () => {
    const prod = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*";

    expect(evaluatePolicy(policy(statement("Allow", prod)), arn)).toBe("Deny");
  });
});
