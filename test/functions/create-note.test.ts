import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/create-note.js";
import { MAX_BODY_BYTES } from "../../shared/http/api.js";
import { apiEvent, bodyOf, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { dynamoFaults, expectGenericProblem, SECRET_TABLE } from "../fixtures/dynamo-faults.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

const post = (options: ApiEventOptions) =>
  handler(apiEvent({ method: "POST", resource: "/notes", ...options }), lambdaContext());

beforeEach(() => {
  table.reset();
  stdout.mockClear();
});
afterAll(() => {
  table.restore();
  stdout.mockRestore();
});

describe("create-note", () => {
  it("answers 401 when no authorizer vouched for a caller", async () => {
    const response = await post({ sub: null, body: { title: "t" } });

    expect(response.statusCode).toBe(401);
    expect(table.calls()).toHaveLength(0);
  });

  it.each([
    ["malformed JSON", '{"title": "t",'],
    ["a JSON string", '"just text"'],
    ["an empty body", ""],
    ["white space", "  \n "],
    ["nesting deeper than 10 levels", `{"title":"t","body":${"[".repeat(50)}${"]".repeat(50)}}`],
  ])("answers 400 to %s without writing", async (_, body) => {
    const response = await post({ body, headers: { "Content-Type": "application/json" } });

    expect(response.statusCode).toBe(400);
    expect(response.headers?.["Content-Type"]).toBe("application/problem+json");
    expect(table.calls()).toHaveLength(0);
  });

  it("answers 400 to a request with no body at all", async () => {
    const response = await post({ headers: { "Content-Type": "application/json" } });

    expect(response.statusCode).toBe(400);
  });

  it.each([
    ["version", { title: "t", version: 99 }],
    ["createdAt", { title: "t", createdAt: "2000-01-01T00:00:00.000Z" }],
    ["noteId", { title: "t", noteId: "01J00000000000000000000000" }],
    ["pk", { title: "t", pk: "USER#user-b" }],
    ["sub", { title: "t", sub: "user-b" }],
    ["owner", { title: "t", owner: "user-b" }],
    ["role", { title: "t", role: "admin" }],
  ])("answers 400 naming the mass-assigned field %s", async (field, body) => {
    const response = await post({ body });

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)["detail"]).toBe(`${field}: is not an allowed field`);
    expect(table.calls()).toHaveLength(0);
  });

  it("answers 400 to a __proto__ key in the raw JSON", async () => {
    const response = await post({
      body: '{"title":"t","__proto__":{"version":99}}',
      headers: { "Content-Type": "application/json" },
    });

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)["detail"]).toBe("__proto__: is not an allowed field");
  });

  it("answers 400 to a title over 200 characters and a body over 10,000", async () => {
    const longTitle = await post({ body: { title: "x".repeat(201) } });
    const longBody = await post({ body: { title: "t", body: "x".repeat(10_001) } });

    expect(longTitle.statusCode).toBe(400);
    expect(longBody.statusCode).toBe(400);
  });

  it("answers 400 to NUL characters and lone surrogates sent as JSON escapes", async () => {
    const nul = await post({
      body: '{"title":"a\\u0000b"}',
      headers: { "Content-Type": "application/json" },
    });
    const surrogate = await post({
      body: '{"title":"t","body":"\\ud800"}',
      headers: { "Content-Type": "application/json" },
    });

    expect(bodyOf(nul)["detail"]).toBe("title: must not contain control characters");
    expect(bodyOf(surrogate)["detail"]).toBe("body: must be valid Unicode");
  });

  it("answers 413 to a body over 64 KiB, before parsing it", async () => {
    const body = JSON.stringify({ title: "t", body: "x".repeat(MAX_BODY_BYTES) });

    const response = await post({ body, headers: { "Content-Type": "application/json" } });

    expect(response.statusCode).toBe(413);
    expect(response.headers?.["Content-Type"]).toBe("application/problem+json");
    expect(table.calls()).toHaveLength(0);
  });

  it("answers 413 to a base64-encoded body over 64 KiB", async () => {
    const body = Buffer.from("x".repeat(MAX_BODY_BYTES + 3)).toString("base64");

    const response = await post({ body, isBase64Encoded: true });

    expect(response.statusCode).toBe(413);
  });

  it.each(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])(
    "answers 415 to the content type %s",
    async (contentType) => {
      const response = await post({
        body: '{"title":"t"}',
        headers: { "Content-Type": contentType },
      });

      expect(response.statusCode).toBe(415);
      expect(table.calls()).toHaveLength(0);
    },
  );

  it.each(dynamoFaults)(
    "answers a generic problem when DynamoDB fails with %s",
    async (_, fault, status) => {
      table.on(PutCommand).rejects(fault());
      const context = lambdaContext();

      const response = await handler(
        apiEvent({ method: "POST", resource: "/notes", body: { title: "t" } }),
        context,
      );

      expectGenericProblem(response, status);
      const logged = stdout.mock.calls.map(([line]) => String(line));
      expect(logged.some((line) => line.includes(context.awsRequestId))).toBe(true);
    },
  );
});
