/**
 * The CPU work of one warm `GET /me`, the typical data route: the bundled handler (middy stack,
 * claims, the SDK's request building, SigV4 signing, HTTP and response parsing, validation of the
 * item) against an in-process stand-in for DynamoDB that answers every request with the same
 * profile at once. The figure is CPU time per invocation, the stand-in's own small share included,
 * so it bounds the handler's CPU from above; the time DynamoDB itself takes is not in it.
 */
import { createServer } from "node:http";
import { apiEvent, lambdaContext } from "../../test/fixtures/api-events.js";
import { micros, rate, withoutStdout, type Micros } from "./timing.js";

const SUB = "0b5c1f3e-1111-4a6b-9d2e-aaaaaaaaaaaa";
const s = (value: string) => ({ S: value });
const ITEM = {
  Item: {
    pk: s(`USER#${SUB}`),
    sk: s("PROFILE"),
    sub: s(SUB),
    email: s("alice@example.com"),
    displayName: s("Alice"),
    plan: s("free"),
    status: s("active"),
    createdAt: s("2026-12-01T10:00:00.000Z"),
    lastLoginAt: s("2026-12-02T10:00:00.000Z"),
    loginCount: { N: "12" },
  },
};

export async function benchGetMe(ms: number): Promise<Micros> {
  const body = JSON.stringify(ITEM);
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      response.end(body);
    });
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no stand-in address");
  const { port } = address;
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`,
    TABLE_NAME: "data",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
  });
  try {
    // Imported after the environment is set: the handler reads it at its first request.
    const { handler } = await import("../../functions/get-me.js");
    const event = apiEvent({ method: "GET", resource: "/me", sub: SUB });
    const context = lambdaContext("bench");
    const call = async () => {
      const result = await handler(event, context);
      if (result.statusCode !== 200) throw new Error(`GET /me answered ${result.statusCode}`);
    };
    return micros(await withoutStdout(() => rate(call, ms, 10)));
  } finally {
    server.close();
  }
}
