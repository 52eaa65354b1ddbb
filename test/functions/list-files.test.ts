import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/list-files.js";
import { encodeCursor } from "../../shared/data/cursor.js";
import type { FilePage } from "../../shared/files/store.js";
import { newId } from "../../shared/data/keys.js";
import { apiEvent, bodyOf, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { dynamoFaults, expectGenericProblem, SECRET_TABLE } from "../fixtures/dynamo-faults.js";
import { SECRET_BUCKET } from "../fixtures/s3-uploads.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
vi.stubEnv("BUCKET_NAME", SECRET_BUCKET);
const table = mockClient(DynamoDBDocumentClient);
const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

const list = (options: ApiEventOptions = {}) =>
  handler(apiEvent({ method: "GET", resource: "/files", ...options }), lambdaContext());

const fileKey = (sub: string, fileId = newId()) => ({ pk: `USER#${sub}`, sk: `FILE#${fileId}` });

beforeEach(() => table.reset());
afterAll(() => {
  table.restore();
  stdout.mockRestore();
});

describe("list-files", () => {
  it("lists only available files, newest first, from the caller's partition", async () => {
    const fileId = newId();
    table.on(QueryCommand).resolves({
      Items: [
        {
          ...fileKey("user-a", fileId),
          fileId,
          fileName: "a.txt",
          contentType: "text/plain",
          size: 1,
          createdAt: "2026-01-01T00:00:00.000Z",
          status: "available",
        },
      ],
    });

    const response = await list({ query: { limit: "5" } });

    const input = table.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(response.statusCode).toBe(200);
    expect(bodyOf<FilePage>(response)).toEqual({
      items: [
        {
          fileId,
          fileName: "a.txt",
          contentType: "text/plain",
          size: 1,
          createdAt: "2026-01-01T00:00:00.000Z",
        },
      ],
    });
    expect(input?.ExpressionAttributeValues).toEqual({ ":pk": "USER#user-a", ":prefix": "FILE#" });
    expect(input?.ScanIndexForward).toBe(false);
    expect(input?.Limit).toBe(6);
  });

  it("answers 401 when no authorizer vouched for a caller", async () => {
    const response = await list({ sub: null });

    expect(response.statusCode).toBe(401);
  });

  it.each([["0"], ["101"], ["-1"], ["2.5"], ["ten"], [""]])(
    "answers 400 to the limit %j, without a query",
    async (limit) => {
      const response = await list({ query: { limit } });

      expect(response.statusCode).toBe(400);
      expect(table.calls()).toHaveLength(0);
    },
  );

  it.each([
    ["random text", () => "hello"],
    ["another user's cursor", () => encodeCursor("user-b", fileKey("user-b"))],
    [
      "a self-made cursor naming another user's partition",
      () => encodeCursor("user-a", fileKey("user-b")),
    ],
    [
      "the caller's cursor into their notes",
      () => encodeCursor("user-a", { pk: "USER#user-a", sk: `NOTE#${newId()}` }),
    ],
    [
      "a cursor at the profile item",
      () => encodeCursor("user-a", { pk: "USER#user-a", sk: "PROFILE" }),
    ],
    ["a repeated cursor", () => ["a", "b"]],
  ])("answers 400 to %s, never a query", async (_, cursor) => {
    const response = await list({ query: { cursor: cursor() } });

    expect(response.statusCode).toBe(400);
    expect(table.calls()).toHaveLength(0);
  });

  it("resumes from the caller's own file cursor", async () => {
    const start = fileKey("user-a");
    table.on(QueryCommand).resolves({ Items: [] });

    const response = await list({ query: { cursor: encodeCursor("user-a", start) } });

    expect(response.statusCode).toBe(200);
    expect(table.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toEqual(start);
  });

  it.each(dynamoFaults)(
    "answers a generic problem when DynamoDB fails with %s",
    async (_, fault, status) => {
      table.on(QueryCommand).rejects(fault());

      const response = await list();

      expectGenericProblem(response, status);
    },
  );
});
