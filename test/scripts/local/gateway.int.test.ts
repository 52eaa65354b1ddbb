import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_PAYLOAD_BYTES } from "../../../scripts/local/gateway.js";
import { expectProblem } from "../../support/problems.js";
import { stack, stackLogsDir } from "../../support/stack.js";

/** serverless-offline's Lambda invoke endpoint, as it announced it in the API log. */
function lambdaEndpoint(): string {
  const log = readFileSync(join(stackLogsDir(), "api.log"), "utf8");
  const url = /http for lambda\] listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1];
  if (url === undefined) throw new Error("serverless-offline announced no Lambda endpoint");
  return url;
}

describe("local gateway (gateway responses rendered from the template)", () => {
  it("answers an unknown route with the template's 404 problem", async () => {
    const response = await fetch(`${stack().apiUrl}/no/such/route`);

    const problem = await expectProblem(response, 404);

    expect(problem).toMatchObject({ title: "Not Found", detail: "There is no such route." });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers a missing token with the template's 401 and its WWW-Authenticate header", async () => {
    const response = await fetch(`${stack().apiUrl}/me`);

    await expectProblem(response, 401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("answers a body over API Gateway's 10 MB with the template's 413", async () => {
    const response = await fetch(`${stack().apiUrl}/notes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(MAX_PAYLOAD_BYTES + 1),
    });

    const problem = await expectProblem(response, 413);

    expect(problem.title).toBe("Payload Too Large");
  });

  it("logs a thrown error's stack mapped to the TypeScript source", async () => {
    const apiLog = join(stackLogsDir(), "api.log");
    const before = readFileSync(apiLog, "utf8").length;
    // No attributes: the sign-up check throws inside the trigger, which logs the error.
    const event = { triggerSource: "PreSignUp_SignUp", request: {}, response: {} };

    const response = await fetch(
      `${lambdaEndpoint()}/2015-03-31/functions/cognito-api-local-preSignUp/invocations`,
      { method: "POST", body: JSON.stringify(event) },
    );
    const error = (await response.json()) as { errorMessage?: string };
    await new Promise((done) => setTimeout(done, 200)); // the log line is written after the answer
    const logged = readFileSync(apiLog, "utf8")
      .slice(before)
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { message?: string; error?: { stack?: string } })
      .find((line) => line.message === "trigger failed");

    expect(error.errorMessage).toBeDefined();
    expect(logged?.error?.stack).toMatch(/[\s(/](triggers|shared)\/[\w/-]+\.ts:\d+:\d+/);
    expect(logged?.error?.stack).not.toMatch(/\.cjs:\d+:\d+/);
  });
});
