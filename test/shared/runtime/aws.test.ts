import { createServer, type Server, type Socket } from "node:net";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A DynamoDB endpoint that accepts connections and never answers. */
let silent: Server;
const sockets: Socket[] = [];

beforeAll(async () => {
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
  const address = silent.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  process.env["DYNAMODB_ENDPOINT"] = `http://127.0.0.1:${address.port}`;
  process.env["AWS_ACCESS_KEY_ID"] ??= "test";
  process.env["AWS_SECRET_ACCESS_KEY"] ??= "test";
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((done) => silent.close(done));
});

describe("aws clients", () => {
  it("give up on a dependency that never answers after the configured attempts", async () => {
    const { dynamo, SDK_MAX_ATTEMPTS } = await import("../../../shared/runtime/aws.js");

    const call = dynamo().send(new GetCommand({ TableName: "t", Key: { pk: "a", sk: "b" } }));

    await expect(call).rejects.toMatchObject({ name: "TimeoutError" });
    expect(sockets).toHaveLength(SDK_MAX_ATTEMPTS);
  });

  it("fit every attempt and backoff inside a trigger's 4-second timeout", async () => {
    const { SDK_WORST_CASE_MS } = await import("../../../shared/runtime/aws.js");

    expect(SDK_WORST_CASE_MS).toBeLessThan(4_000);
  });
});
