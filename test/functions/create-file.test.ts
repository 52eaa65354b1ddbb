import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/create-file.js";
import { MAX_BODY_BYTES } from "../../shared/http/api.js";
import type { NewFile } from "../../shared/files/store.js";
import { apiEvent, bodyOf, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { dynamoFaults, expectGenericProblem, SECRET_TABLE } from "../fixtures/dynamo-faults.js";
import {
  exactCondition,
  policyOf,
  SECRET_BUCKET,
  TEST_CREDENTIALS,
} from "../fixtures/s3-uploads.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
vi.stubEnv("BUCKET_NAME", SECRET_BUCKET);
vi.stubEnv("S3_ENDPOINT", "");
for (const [name, value] of Object.entries(TEST_CREDENTIALS)) vi.stubEnv(name, value);
const table = mockClient(DynamoDBDocumentClient);
const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

const valid = { fileName: "photo.png", contentType: "image/png", size: 2048 };

const post = (options: ApiEventOptions) =>
  handler(apiEvent({ method: "POST", resource: "/files", ...options }), lambdaContext());

beforeEach(() => {
  table.reset();
  stdout.mockClear();
});
afterAll(() => {
  table.restore();
  stdout.mockRestore();
});

describe("create-file", () => {
  it("answers 201 with the upload form, Location and no caching", async () => {
    const response = await post({ body: valid });

    const file = bodyOf<NewFile>(response);
    expect(response.statusCode).toBe(201);
    expect(response.headers).toMatchObject({
      Location: `/files/${file.fileId}`,
      "Cache-Control": "no-store",
    });
    expect(Object.keys(file).sort()).toEqual(
      ["contentType", "expiresIn", "fileId", "fileName", "size", "upload"].sort(),
    );
    expect(file).toMatchObject({ ...valid, expiresIn: 300 });
    expect(file.upload.url).toContain(SECRET_BUCKET);
    const policy = policyOf(file.upload.fields);
    expect(exactCondition(policy, "key")).toBe(`users/user-a/${file.fileId}`);
    expect(exactCondition(policy, "Content-Type")).toBe("image/png");
    expect(policy.conditions).toContainEqual(["content-length-range", 2048, 2048]);
  });

  it("keys the upload by the verified caller whatever the body, headers and query say", async () => {
    const response = await post({
      sub: "user-a",
      body: valid,
      headers: { "Content-Type": "application/json", "X-User-Id": "user-b" },
      query: { sub: "user-b" },
    });

    const file = bodyOf<NewFile>(response);
    expect(file.upload.fields["key"]).toBe(`users/user-a/${file.fileId}`);
    expect(table.commandCalls(PutCommand)[0]?.args[0].input.Item?.["pk"]).toBe("USER#user-a");
  });

  it("answers 401 when no authorizer vouched for a caller", async () => {
    const response = await post({ sub: null, body: valid });

    expect(response.statusCode).toBe(401);
    expect(table.calls()).toHaveLength(0);
  });

  it.each([
    ["a size of 10 MiB + 1 byte", 10 * 1024 * 1024 + 1],
    ["a size of 1 GiB", 1024 ** 3],
    ["a size of 1e20", 1e20],
  ])("answers 413 to %s, without writing", async (_, size) => {
    const response = await post({ body: { ...valid, size } });

    expect(response.statusCode).toBe(413);
    expect(response.headers?.["Content-Type"]).toBe("application/problem+json");
    expect(bodyOf(response)["detail"]).toBe("size: must be at most 10485760 bytes (10 MiB)");
    expect(table.calls()).toHaveLength(0);
  });

  it.each([
    ["a zero size", { ...valid, size: 0 }, /^size: /],
    ["a negative size", { ...valid, size: -5 }, /^size: /],
    ["a fractional size", { ...valid, size: 10.5 }, /^size: /],
    ["a size as text", { ...valid, size: "2048" }, /^size: /],
    ["a 300-character name", { ...valid, fileName: "x".repeat(300) }, /^fileName: /],
    ["an empty name", { ...valid, fileName: "" }, /^fileName: /],
    ["a name with NUL", { ...valid, fileName: "a\u0000b.png" }, /^fileName: /],
    [
      "a content type with parameters",
      { ...valid, contentType: "text/plain; a=b" },
      /^contentType: /,
    ],
    [
      "a header-injecting content type",
      { ...valid, contentType: "image/png\r\nx: y" },
      /^contentType: /,
    ],
    ["a server-owned key", { ...valid, key: "users/user-b/x" }, /^key: is not an allowed field$/],
    ["a status", { ...valid, status: "available" }, /^status: is not an allowed field$/],
    ["a missing size", { fileName: "a", contentType: "image/png" }, /^size: is required$/],
  ])("answers 400 to %s, without writing", async (_, body, detail) => {
    const response = await post({ body });

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)["detail"]).toMatch(detail);
    expect(table.calls()).toHaveLength(0);
  });

  it.each([
    ["malformed JSON", '{"fileName":'],
    ["an empty body", ""],
    ["a JSON array", "[]"],
    ["a NUL escape in the name", '{"fileName":"a\\u0000b","contentType":"image/png","size":1}'],
    ["a __proto__ key", '{"fileName":"a","contentType":"image/png","size":1,"__proto__":{}}'],
  ])("answers 400 to %s", async (_, body) => {
    const response = await post({ body, headers: { "Content-Type": "application/json" } });

    expect(response.statusCode).toBe(400);
    expect(table.calls()).toHaveLength(0);
  });

  it("answers 415 to a multipart body (the bytes go to S3, not to the API)", async () => {
    const response = await post({
      body: "--x\r\n\r\nbytes\r\n--x--",
      headers: { "Content-Type": "multipart/form-data; boundary=x" },
    });

    expect(response.statusCode).toBe(415);
  });

  it("answers 413 to a request body over 64 KiB", async () => {
    const body = JSON.stringify({ ...valid, fileName: "x".repeat(MAX_BODY_BYTES) });

    const response = await post({ body, headers: { "Content-Type": "application/json" } });

    expect(response.statusCode).toBe(413);
  });

  it.each(dynamoFaults)(
    "answers a generic problem when DynamoDB fails with %s, leaking no bucket",
    async (_, fault, status) => {
      table.on(PutCommand).rejects(fault());

      const response = await post({ body: valid });

      expectGenericProblem(response, status);
      expect(response.body).not.toContain(SECRET_BUCKET);
    },
  );
});
