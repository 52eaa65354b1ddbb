import { describe, expect, it } from "vitest";
import { api } from "../../../shared/http/api.js";
import { createLogger, redact } from "../../../shared/runtime/logger.js";
import { apiEvent, lambdaContext } from "../../fixtures/api-events.js";
import { captureLogs } from "../../support/captured-logs.js";

const stdout = captureLogs();

const JWT =
  "eyJraWQiOiJrZXktMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJ1c2VyLWEiLCJ0b2tlbl91c2UiOiJhY2Nlc3MifQ.c2lnbmF0dXJl";
const PASSWORD = "Corr3ct-Horse!";
const CODE = "483920";

function recorder() {
  const lines: string[] = [];
  return { lines, log: createLogger({}, (line) => lines.push(line)) };
}

function parsed(line: string | undefined): Record<string, unknown> {
  return JSON.parse(line ?? "{}") as Record<string, unknown>;
}

describe("logger", () => {
  it("writes one JSON object per line with level, time, message and its context", () => {
    const { lines, log } = recorder();

    log.child({ requestId: "req-1" }).info("note created", { noteId: "01J0000000000000000000000" });

    expect(lines).toHaveLength(1);
    expect(parsed(lines[0])).toMatchObject({
      level: "info",
      message: "note created",
      requestId: "req-1",
      noteId: "01J0000000000000000000000",
    });
    expect(Date.parse(parsed(lines[0])["time"] as string)).not.toBeNaN();
  });

  it("never writes passwords, tokens, verification codes or Authorization headers", () => {
    const { lines, log } = recorder();

    log.info("everything a careless caller might pass", {
      password: PASSWORD,
      request: { password: PASSWORD, newPassword: PASSWORD, codeParameter: CODE },
      body: { confirmationCode: CODE, code: CODE },
      tokens: { AccessToken: JWT, IdToken: JWT, RefreshToken: "opaque-refresh-token" },
      headers: { Authorization: `Bearer ${JWT}`, authorization: `Bearer ${JWT}`, Cookie: "s=1" },
      multiValueHeaders: { Authorization: [`Bearer ${JWT}`] },
      credentials: { secretAccessKey: "aws-secret", sessionToken: "aws-session" },
      query: { "X-Amz-Signature": "sig", "X-Amz-Security-Token": "sts-session-value" },
    });

    const line = lines.join("\n");
    for (const secret of [
      PASSWORD,
      JWT,
      CODE,
      "opaque-refresh-token",
      "aws-secret",
      "aws-session",
      "sts-session-value",
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(line).not.toMatch(/eyJ/);
    expect(line).not.toContain("Bearer");
  });

  it("masks a JWT wherever it appears in a string, error messages included", () => {
    const { lines, log } = recorder();

    log.error("verification failed", {
      error: new Error(`token ${JWT} is expired`),
      note: `got Bearer ${JWT}.`,
      list: [JWT],
    });

    expect(lines[0]).not.toContain(JWT);
    expect(parsed(lines[0])).toMatchObject({
      error: { name: "Error", message: "token [REDACTED] is expired" },
      note: "got Bearer [REDACTED].",
      list: ["[REDACTED]"],
    });
  });

  it("logs an error with its stack, code and cause chain, secrets masked in each", () => {
    const { lines, log } = recorder();
    const root = Object.assign(new Error(`connect refused for ${JWT}`), { code: "ECONNREFUSED" });

    log.error("boom", { error: new TypeError("bad", { cause: root }) });

    const error = parsed(lines[0])["error"] as Record<string, unknown>;
    expect(error).toMatchObject({ name: "TypeError", message: "bad" });
    expect(error["stack"]).toMatch(/^TypeError: bad\n\s+at .*logger\.test\.ts/);
    expect(error["cause"]).toMatchObject({
      name: "Error",
      message: "connect refused for [REDACTED]",
      code: "ECONNREFUSED",
    });
    expect((error["cause"] as Record<string, unknown>)["stack"]).toContain("logger.test.ts");
    expect(lines[0]).not.toContain(JWT);
  });

  it.each([
    "password",
    "newPassword",
    "PASSWORD",
    "passwd",
    "clientSecret",
    "secretAccessKey",
    "AccessToken",
    "refresh_token",
    "X-Amz-Security-Token",
    "tokens",
    "Authorization",
    "set-cookie",
    "credentials",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "code",
    "codeParameter",
    "confirmationCode",
    "Session",
    "Policy",
    "apiKey",
  ])("redacts the secret key %s", (key) => {
    expect(redact({ [key]: "s3cr3t" })).toEqual({ [key]: "[REDACTED]" });
  });

  it.each([
    "tokenUse",
    "token_use",
    "passwordless",
    "statusCode",
    "errorCode",
    "codeDeliveryDetails",
    "sub",
    "email",
    "keyId",
    "policyVersion",
  ])("keeps the harmless key %s", (key) => {
    expect(redact({ [key]: "visible" })).toEqual({ [key]: "visible" });
  });

  it("keeps ordinary values, so logs stay useful", () => {
    expect(
      redact({ noteId: "n1", route: "GET /notes", status: 404, email: "a@example.com" }),
    ).toEqual({ noteId: "n1", route: "GET /notes", status: 404, email: "a@example.com" });
  });

  it("keeps fields whose names merely end in 'code', such as statusCode and errorCode", () => {
    expect(redact({ statusCode: 503, errorCode: "ThrottlingException", code: "123456" })).toEqual({
      statusCode: 503,
      errorCode: "ThrottlingException",
      code: "[REDACTED]",
    });
  });

  it("stops at a bounded depth instead of following a cycle forever", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic["self"] = cyclic;

    expect(() => JSON.stringify(redact(cyclic))).not.toThrow();
  });
});

describe("api() request logging", () => {
  it("tags a handler's log lines with the Lambda request id and route, without the request's token", async () => {
    const handler = api((_event, context) => {
      context.logger.info("handled");
      throw new Error(`downstream said ${JWT}`);
    });
    const context = lambdaContext();

    const response = await handler(
      apiEvent({
        method: "GET",
        resource: "/me",
        headers: { Authorization: `Bearer ${JWT}` },
        body: { password: PASSWORD },
      }),
      context,
    );

    const lines = stdout
      .lines()
      .map(parsed)
      .filter((line) => !("_aws" in line));
    expect(response.statusCode).toBe(500);
    expect(lines.map((line) => line["message"])).toEqual(["handled", "unhandled error"]);
    for (const line of lines) {
      expect(line).toMatchObject({ requestId: context.awsRequestId, route: "GET /me" });
      expect(line).toHaveProperty("apiRequestId");
      expect(typeof line["coldStart"]).toBe("boolean");
    }
    expect(stdout.lines().join("\n")).not.toContain(JWT);
    expect(stdout.lines().join("\n")).not.toContain(PASSWORD);
    expect(response.body).not.toContain(JWT);
  });
});
