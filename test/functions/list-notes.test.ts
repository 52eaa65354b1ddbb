import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/list-notes.js";
import { encodeCursor } from "../../shared/data/cursor.js";
import { newId } from "../../shared/data/keys.js";
import { apiEvent, bodyOf, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { dynamoFaults, expectGenericProblem, SECRET_TABLE } from "../fixtures/dynamo-faults.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

const list = (options: ApiEventOptions = {}) =>
  handler(apiEvent({ method: "GET", resource: "/notes", ...options }), lambdaContext());

const noteKey = (sub: string, noteId = newId()) => ({ pk: `USER#${sub}`, sk: `NOTE#${noteId}` });

beforeEach(() => table.reset());
afterAll(() => {
  table.restore();
  stdout.mockRestore();
});

describe("list-notes", () => {
  it("answers 401 when no authorizer vouched for a caller", async () => {
    const response = await list({ sub: null });

    expect(response.statusCode).toBe(401);
  });

  it.each([
    ["zero", "0"],
    ["over 100", "101"],
    ["huge", "99999999999999999999"],
    ["negative", "-5"],
    ["fractional", "2.5"],
    ["not a number", "ten"],
    ["empty", ""],
    ["hexadecimal", "0x10"],
  ])("answers 400 to a %s limit, without a query", async (_, limit) => {
    const response = await list({ query: { limit } });

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)["detail"]).toMatch(/^limit: /);
    expect(table.calls()).toHaveLength(0);
  });

  it("answers 400 to a repeated limit or cursor", async () => {
    const limits = await list({ query: { limit: ["5", "100"] } });
    const cursors = await list({ query: { cursor: ["a", "b"] } });

    expect(limits.statusCode).toBe(400);
    expect(cursors.statusCode).toBe(400);
    expect(table.calls()).toHaveLength(0);
  });

  it.each([
    ["random text", () => "hello"],
    ["an empty cursor", () => ""],
    ["characters outside base64url", () => "abc/def+=="],
    ["a 5,000-character cursor", () => "A".repeat(5000)],
    ["another user's cursor", () => encodeCursor("user-b", noteKey("user-b"))],
    [
      "a cursor with one character changed",
      () => tamper(encodeCursor("user-a", noteKey("user-a"))),
    ],
    [
      "a self-made cursor naming another user's partition",
      () => encodeCursor("user-a", noteKey("user-b")),
    ],
    [
      "a self-made cursor at the profile item",
      () => encodeCursor("user-a", { pk: "USER#user-a", sk: "PROFILE" }),
    ],
    [
      "a self-made cursor with an extra key attribute",
      () => encodeCursor("user-a", { ...noteKey("user-a"), gsi1pk: "PROFILES" }),
    ],
    [
      "a self-made cursor with a malformed note id",
      () => encodeCursor("user-a", { pk: "USER#user-a", sk: "NOTE#zzz" }),
    ],
    [
      "a cursor of JSON without a digest",
      () => Buffer.from('{"k":{"pk":"USER#user-a"}}').toString("base64url"),
    ],
  ])("answers 400 to %s, never a query", async (_, cursor) => {
    const response = await list({ query: { cursor: cursor() } });

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)["detail"]).toMatch(/^cursor: /);
    expect(table.calls()).toHaveLength(0);
  });

  it("resumes from the caller's own cursor, in the caller's partition", async () => {
    const start = noteKey("user-a");
    table.on(QueryCommand).resolves({ Items: [] });

    const response = await list({ query: { cursor: encodeCursor("user-a", start), limit: "5" } });

    const input = table.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(response.statusCode).toBe(200);
    expect(input?.ExclusiveStartKey).toEqual(start);
    expect(input?.ExpressionAttributeValues?.[":pk"]).toBe("USER#user-a");
    expect(input?.ScanIndexForward).toBe(false);
    expect(bodyOf(response)).toEqual({ items: [] });
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

function tamper(cursor: string): string {
  const index = Math.floor(cursor.length / 2);
  const swapped = cursor[index] === "A" ? "B" : "A";
  return cursor.slice(0, index) + swapped + cursor.slice(index + 1);
}
