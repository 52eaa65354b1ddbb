/**
 * The smoke test's steps: what a user checks right after `serverless deploy`. Every step is
 * timed and reported; the first failure stops the checks, and whatever was created (the note,
 * the file, the throwaway user and its data) is removed afterwards in any case.
 */
import { randomBytes } from "node:crypto";
import {
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import type { SmokeTarget } from "./target.js";

export interface StepResult {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

export interface SmokeReport {
  ok: boolean;
  steps: StepResult[];
  cleanup: StepResult[];
}

export interface SmokeOptions {
  /** Told each result as it happens (the CLI prints it). */
  onStep?: (result: StepResult, phase: "check" | "cleanup") => void;
  /** Makes the named step fail after it ran (tests use it to prove the cleanup). */
  failAt?: string;
}

class StepFailure extends Error {
  override name = "StepFailure";
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new StepFailure(message);
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

function expectStatus(reply: Reply, status: number): void {
  check(
    reply.status === status,
    `expected ${status}, got ${reply.status}: ${reply.text.slice(0, 200)}`,
  );
}

/** An application/problem+json body whose status is the response's. */
function expectProblem(reply: Reply, status: number): void {
  check(
    reply.status === status,
    `expected ${status}, got ${reply.status}: ${reply.text.slice(0, 200)}`,
  );
  const type = reply.headers.get("content-type") ?? "";
  check(
    type.startsWith("application/problem+json"),
    `expected application/problem+json, got "${type}"`,
  );
  const body = JSON.parse(reply.text) as Record<string, unknown>;
  check(
    typeof body["title"] === "string" &&
      typeof body["detail"] === "string" &&
      body["status"] === status,
    `not a problem document with status ${status}: ${reply.text.slice(0, 200)}`,
  );
}

/** The reply's JSON object body. */
function json(reply: Reply): Record<string, unknown> {
  return JSON.parse(reply.text) as Record<string, unknown>;
}

/** A password the pool's policy accepts (10+ characters, upper, lower, digit, symbol). */
function throwawayPassword(): string {
  return `Smoke-${randomBytes(12).toString("base64url")}-a1B!`;
}

export async function runSmoke(
  target: SmokeTarget,
  options: SmokeOptions = {},
): Promise<SmokeReport> {
  const steps: StepResult[] = [];
  const cleanup: StepResult[] = [];
  const record = (phase: "check" | "cleanup", result: StepResult) => {
    (phase === "check" ? steps : cleanup).push(result);
    options.onStep?.(result, phase);
  };
  const run = async (phase: "check" | "cleanup", name: string, body: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      const result = await body();
      const detail = typeof result === "string" ? result : "";
      if (options.failAt === name) throw new StepFailure("failed on purpose (--fail-at)");
      record(phase, { name, ok: true, ms: Math.round(performance.now() - started), detail });
      return true;
    } catch (error) {
      const detail =
        error instanceof Error
          ? `${error.name === "StepFailure" ? "" : `${error.name}: `}${error.message}`
          : String(error);
      record(phase, { name, ok: false, ms: Math.round(performance.now() - started), detail });
      return false;
    }
  };

  const api = target.apiUrl.replace(/\/$/, "");
  let accessToken: string | undefined;
  const call = async (
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {},
  ): Promise<Reply> => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.auth !== false && accessToken !== undefined)
      headers["Authorization"] = `Bearer ${accessToken}`;
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`${api}${path}`, {
      method,
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  const email = `smoke-${randomBytes(6).toString("hex")}@${target.emailDomain}`;
  const password = throwawayPassword();
  /** What the checks created so far (the cleanup removes it). */
  const created: {
    signedUp: boolean;
    sub?: string | undefined;
    noteId?: string | undefined;
    fileId?: string | undefined;
    upload?: { url: string; fields: Record<string, string> };
  } = { signedUp: false };

  const checks: [string, () => Promise<unknown>][] = [
    [
      "GET /health",
      async () => {
        const reply = await call("GET", "/health", { auth: false });
        expectStatus(reply, 200);
        check(json(reply)["status"] === "ok", `unexpected body ${reply.text}`);
      },
    ],
    [
      "sign up a throwaway user",
      async () => {
        await target.cognito.send(
          new SignUpCommand({
            ClientId: target.clientId,
            Username: email,
            Password: password,
            UserAttributes: [{ Name: "email", Value: email }],
          }),
        );
        created.signedUp = true;
        return email;
      },
    ],
    [
      "confirm it (AdminConfirmSignUp)",
      async () => {
        await target.cognito.send(
          new AdminConfirmSignUpCommand({ UserPoolId: target.userPoolId, Username: email }),
        );
      },
    ],
    [
      "sign in (USER_PASSWORD_AUTH)",
      async () => {
        const { AuthenticationResult: result } = await target.cognito.send(
          new InitiateAuthCommand({
            ClientId: target.clientId,
            AuthFlow: "USER_PASSWORD_AUTH",
            AuthParameters: { USERNAME: email, PASSWORD: password },
          }),
        );
        check(result?.AccessToken !== undefined, "no access token");
        accessToken = result.AccessToken;
      },
    ],
    [
      "GET /me",
      async () => {
        const reply = await call("GET", "/me");
        expectStatus(reply, 200);
        const me = json(reply);
        check(me["email"] === email, `expected email ${email}, got ${String(me["email"])}`);
        created.sub = typeof me["sub"] === "string" ? me["sub"] : undefined;
      },
    ],
    [
      "POST /notes",
      async () => {
        const reply = await call("POST", "/notes", {
          body: { title: "Smoke test", body: "created" },
        });
        expectStatus(reply, 201);
        check(
          reply.headers.get("etag") === '"1"',
          `expected ETag "1", got ${String(reply.headers.get("etag"))}`,
        );
        created.noteId = String(json(reply)["noteId"]);
      },
    ],
    [
      "GET /notes/{id}",
      async () => {
        const reply = await call("GET", `/notes/${created.noteId ?? ""}`);
        expectStatus(reply, 200);
        check(json(reply)["body"] === "created", "the note's body differs");
        check(reply.headers.get("etag") === '"1"', "missing ETag");
      },
    ],
    [
      "PUT /notes/{id} with If-Match",
      async () => {
        const reply = await call("PUT", `/notes/${created.noteId ?? ""}`, {
          body: { title: "Smoke test", body: "edited" },
          headers: { "If-Match": '"1"' },
        });
        expectStatus(reply, 200);
        check(
          reply.headers.get("etag") === '"2"',
          `expected ETag "2", got ${String(reply.headers.get("etag"))}`,
        );
      },
    ],
    [
      "PUT /notes/{id} with a stale If-Match: 412",
      async () => {
        const reply = await call("PUT", `/notes/${created.noteId ?? ""}`, {
          body: { title: "Smoke test", body: "lost update" },
          headers: { "If-Match": '"1"' },
        });
        expectProblem(reply, 412);
      },
    ],
    [
      "DELETE /notes/{id}",
      async () => {
        const reply = await call("DELETE", `/notes/${created.noteId ?? ""}`);
        expectStatus(reply, 204);
        created.noteId = undefined;
      },
    ],
    [
      "POST /files",
      async () => {
        const reply = await call("POST", "/files", {
          body: { fileName: "smoke.txt", contentType: "text/plain", size: CONTENT.length },
        });
        expectStatus(reply, 201);
        const answer = json(reply) as {
          fileId: string;
          upload: { url: string; fields: Record<string, string> };
        };
        created.fileId = answer.fileId;
        created.upload = answer.upload;
      },
    ],
    [
      "upload through the presigned POST",
      async () => {
        check(created.upload !== undefined, "no upload form");
        const form = new FormData();
        for (const [key, value] of Object.entries(created.upload.fields)) form.append(key, value);
        form.append("file", new Blob([CONTENT], { type: "text/plain" }), "smoke.txt");
        const response = await fetch(created.upload.url, {
          method: "POST",
          body: form,
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        check(response.ok, `the storage answered ${response.status}: ${text.slice(0, 200)}`);
      },
    ],
    [
      "GET /files/{id} and download",
      async () => {
        const reply = await call("GET", `/files/${created.fileId ?? ""}`);
        expectStatus(reply, 200);
        const downloadUrl = json(reply)["downloadUrl"];
        check(typeof downloadUrl === "string", "no downloadUrl");
        const download = await fetch(downloadUrl, { signal: AbortSignal.timeout(30_000) });
        const text = await download.text();
        check(
          download.ok && text === CONTENT,
          `download answered ${download.status} with ${JSON.stringify(text.slice(0, 100))}`,
        );
      },
    ],
    [
      "DELETE /files/{id}",
      async () => {
        const reply = await call("DELETE", `/files/${created.fileId ?? ""}`);
        expectStatus(reply, 204);
        created.fileId = undefined;
      },
    ],
    [
      "401 problem without a token",
      async () => {
        expectProblem(await call("GET", "/me", { auth: false }), 401);
      },
    ],
    [
      "403 problem on an admin route",
      async () => {
        expectProblem(await call("GET", "/admin/users"), 403);
      },
    ],
    [
      "404 problem for a note that does not exist",
      async () => {
        expectProblem(await call("GET", "/notes/01J0000000000000000000SMKE"), 404);
      },
    ],
    [
      "404 problem for an unknown route",
      async () => {
        expectProblem(await call("GET", "/no-such-route"), 404);
      },
    ],
  ];

  for (const [name, body] of checks) {
    if (!(await run("check", name, body))) break;
  }

  if (created.noteId !== undefined) {
    const id = created.noteId;
    await run("cleanup", "delete the note", async () =>
      expectStatus(await call("DELETE", `/notes/${id}`), 204),
    );
  }
  if (created.fileId !== undefined) {
    const id = created.fileId;
    await run("cleanup", "delete the file", async () =>
      expectStatus(await call("DELETE", `/files/${id}`), 204),
    );
  }
  if (created.signedUp) {
    let removed = false;
    if (accessToken !== undefined) {
      // DELETE /me removes the user and all their data where the stage has that route.
      const reply = await call("DELETE", "/me").catch(() => undefined);
      removed = reply !== undefined && (reply.status === 202 || reply.status === 204);
      if (removed)
        record("cleanup", {
          name: "delete the user and its data (DELETE /me)",
          ok: true,
          ms: 0,
          detail: "",
        });
    }
    if (!removed) {
      if (created.sub === undefined) {
        await run("cleanup", "look up the user's sub (AdminGetUser)", async () => {
          const user = await target.cognito.send(
            new AdminGetUserCommand({ UserPoolId: target.userPoolId, Username: email }),
          );
          created.sub = user.UserAttributes?.find((a) => a.Name === "sub")?.Value;
        });
      }
      await run("cleanup", "delete the user (AdminDeleteUser)", async () => {
        await target.cognito.send(
          new AdminDeleteUserCommand({ UserPoolId: target.userPoolId, Username: email }),
        );
      });
      if (created.sub !== undefined) {
        const key = { pk: `USER#${created.sub}`, sk: "PROFILE" };
        await run("cleanup", "delete the user's profile", async () => {
          await target.documents.send(new DeleteCommand({ TableName: target.tableName, Key: key }));
        });
      }
    }
  }
  return {
    ok: steps.every((s) => s.ok) && steps.length === checks.length && cleanup.every((s) => s.ok),
    steps,
    cleanup,
  };
}

const CONTENT = "smoke test file\n";
