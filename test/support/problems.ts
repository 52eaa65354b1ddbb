/**
 * What an outside client may see in an error response of the test stack (docs/api.md): an
 * `application/problem+json` document with exactly `{type, title, status, detail}`, and nothing
 * internal in it — no stack frame, ARN, table or bucket name, exception class or token.
 */
import { expect } from "vitest";
import { stack } from "./stack.js";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

/** The stack's internal names, plus tell-tales of stacks, ARNs and SDK errors. */
function internals(): string[] {
  const { dynamodb, s3, cognito } = stack();
  return [
    dynamodb.tables.data,
    dynamodb.tables.legacyUsers,
    s3.bucket,
    cognito.userPoolId,
    "arn:aws",
    "    at ",
    "Exception",
    "node_modules",
    "stack",
  ];
}

/** `text` holds no internal name, no JWT and none of `secrets` (tokens, ids of other users …). */
export function expectNoLeak(text: string, secrets: readonly string[] = []): void {
  for (const secret of [...internals(), ...secrets]) {
    expect(text, `response leaks ${secret}`).not.toContain(secret);
  }
  expect(text).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}\./);
}

/** Reads `response` and asserts it is a clean problem document with `status`. */
export async function expectProblem(
  response: Response,
  status: number,
  secrets: readonly string[] = [],
): Promise<Problem> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as Problem;
  expect(body).toEqual({
    type: expect.any(String) as unknown,
    title: expect.any(String) as unknown,
    status,
    detail: expect.any(String) as unknown,
  });
  expectNoLeak(text, secrets);
  return body;
}
