import { describe, expect, it } from "vitest";
import { checkSignature, needsSignature } from "../../../../scripts/local/cognito/sigv4.js";

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const DATE = "20261202T120000Z";
const good = (overrides: Partial<Record<"scope" | "signed" | "signature", string>> = {}) =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${overrides.scope ?? "20261202/us-east-1/cognito-idp"}/aws4_request, SignedHeaders=${overrides.signed ?? "content-type;host;x-amz-date;x-amz-target"}, Signature=${overrides.signature ?? "0f".repeat(32)}`;

describe("needsSignature", () => {
  it("asks IAM-authorized actions only", () => {
    const tokenAuthorized = new Set(["GetUser"]);

    expect(needsSignature("AdminGetUser", tokenAuthorized)).toBe(true);
    expect(needsSignature("ListUsers", tokenAuthorized)).toBe(true);
    expect(needsSignature("CreateUserPool", tokenAuthorized)).toBe(true);
    expect(needsSignature("InitiateAuth", tokenAuthorized)).toBe(false);
    expect(needsSignature("SignUp", tokenAuthorized)).toBe(false);
    expect(needsSignature("GetUser", tokenAuthorized)).toBe(false);
  });
});

describe("checkSignature", () => {
  it("accepts a well-formed, current signature", () => {
    expect(checkSignature({ authorization: good(), "x-amz-date": DATE }, NOW)).toBeUndefined();
  });

  it.each([
    ["no header", {}, "MissingAuthenticationTokenException"],
    ["another scheme", { authorization: "Basic abc" }, "IncompleteSignatureException"],
    [
      "no signature",
      { authorization: good().replace(/, Signature=.*/, ""), "x-amz-date": DATE },
      "IncompleteSignatureException",
    ],
    [
      "a short signature",
      { authorization: good({ signature: "abc" }), "x-amz-date": DATE },
      "IncompleteSignatureException",
    ],
    [
      "another service",
      { authorization: good({ scope: "20261202/us-east-1/s3" }), "x-amz-date": DATE },
      "InvalidSignatureException",
    ],
    [
      "no region",
      { authorization: good({ scope: "20261202/local/cognito-idp" }), "x-amz-date": DATE },
      "InvalidSignatureException",
    ],
    [
      "host not signed",
      { authorization: good({ signed: "x-amz-date" }), "x-amz-date": DATE },
      "InvalidSignatureException",
    ],
    ["no date", { authorization: good() }, "IncompleteSignatureException"],
    [
      "a scope of another day",
      { authorization: good({ scope: "20261201/us-east-1/cognito-idp" }), "x-amz-date": DATE },
      "InvalidSignatureException",
    ],
    [
      "a request 16 minutes old",
      {
        authorization: good(),
        "x-amz-date": "20261202T114400Z",
      },
      "InvalidSignatureException",
    ],
  ])("refuses %s", (_case, headers, type) => {
    expect(checkSignature(headers, NOW)?.type).toBe(type);
  });
});
