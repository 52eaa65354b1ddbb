import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/list-users.js";
import { encodeCursor } from "../../shared/data/cursor.js";
import { apiEvent, bodyOf, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { dynamoFaults, expectGenericProblem, SECRET_TABLE } from "../fixtures/dynamo-faults.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

const ADMIN = "0b9e4c1a-2f3d-4e5f-8a7b-6c5d4e3f2a1b";
const OTHER_ADMIN = "7d2e9f10-3a4b-4c5d-9e8f-1a2b3c4d5e6f";
const USER = "6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10";

const list = (options: ApiEventOptions = {}) =>
  handler(
    apiEvent({
      method: "GET",
      resource: "/admin/users",
      sub: ADMIN,
      groups: ["admins"],
      authorizer: "lambda",
      ...options,
    }),
    lambdaContext(),
  );

const profileKey = (sub: string, createdAt = "2026-01-02T03:04:05.678Z") => ({
  pk: `USER#${sub}`,
  sk: "PROFILE",
  gsi1pk: "PROFILES",
  gsi1sk: `${createdAt}#${sub}`,
});

const profileItem = (sub: string) => ({
  ...profileKey(sub),
  sub,
  email: `${sub.slice(0, 8)}@example.com`,
  displayName: sub.slice(0, 8),
  plan: "free",
  status: "active",
  createdAt: "2026-01-02T03:04:05.678Z",
  lastLoginAt: "2026-02-03T04:05:06.789Z",
  loginCount: 3,
});

const keyOf = (sub: string) => ({ pk: `USER#${sub}`, sk: "PROFILE" });

beforeEach(() => {
  table.reset();
  vi.useRealTimers();
});
afterAll(() => {
  table.restore();
  stdout.mockRestore();
});

describe("list-users", () => {
  it("answers 401 when no authorizer vouched for a caller", async () => {
    const response = await list({ sub: null });

    expect(response.statusCode).toBe(401);
    expect(table.calls()).toHaveLength(0);
  });

  it.each([
    ["no groups", []],
    ["other groups", ["beta", "Admins"]],
  ])("answers 403 to a caller with %s, without reading any profile", async (_, groups) => {
    const response = await list({ groups });

    expect(response.statusCode).toBe(403);
    expect(response.headers?.["Content-Type"]).toBe("application/problem+json");
    expect(table.calls()).toHaveLength(0);
  });

  it.each(["0", "101", "-1", "2.5", "ten", ""])("answers 400 to limit=%j", async (limit) => {
    const response = await list({ query: { limit } });

    expect(response.statusCode).toBe(400);
    expect(table.calls()).toHaveLength(0);
  });

  it.each([
    ["random text", () => "hello"],
    ["a repeated cursor", () => [encodeCursor(ADMIN, profileKey(USER)), "x"]],
    ["another admin's cursor", () => encodeCursor(OTHER_ADMIN, profileKey(USER))],
    [
      "a cursor of another list",
      () => encodeCursor(ADMIN, { pk: `USER#${ADMIN}`, sk: "NOTE#01J0" }),
    ],
    [
      "a cursor whose index key names another user",
      () =>
        encodeCursor(ADMIN, { ...profileKey(USER), gsi1sk: `2026-01-02T03:04:05.678Z#${ADMIN}` }),
    ],
    [
      "a cursor with an extra attribute",
      () => encodeCursor(ADMIN, { ...profileKey(USER), x: "1" }),
    ],
    ["a cursor with a malformed date", () => encodeCursor(ADMIN, profileKey(USER, "yesterday"))],
    ["a cursor with a non-UUID sub", () => encodeCursor(ADMIN, profileKey("../../etc"))],
  ])("answers 400 to %s, without a query", async (_, cursor) => {
    const response = await list({ query: { cursor: cursor() } });

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)["detail"]).toMatch(/^cursor: /);
    expect(table.calls()).toHaveLength(0);
  });

  it.each(dynamoFaults)("answers a generic problem to %s", async (_, fault, status) => {
    table.on(QueryCommand).rejects(fault());

    const response = await list();

    expectGenericProblem(response, status);
  });

  it("reads the page's profiles by key after the index, in the index's order", async () => {
    table.on(QueryCommand).resolves({ Items: [profileKey(USER), profileKey(OTHER_ADMIN)] });
    table
      .on(BatchGetCommand)
      .resolves({ Responses: { [SECRET_TABLE]: [profileItem(OTHER_ADMIN), profileItem(USER)] } });

    const response = await list();

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)["items"]).toEqual([
      expect.objectContaining({ sub: USER, lastLoginAt: "2026-02-03T04:05:06.789Z" }),
      expect.objectContaining({ sub: OTHER_ADMIN }),
    ]);
    expect(table.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems).toEqual({
      [SECRET_TABLE]: { Keys: [keyOf(USER), keyOf(OTHER_ADMIN)] },
    });
  });

  it("asks again for the keys DynamoDB left unprocessed", async () => {
    vi.useFakeTimers();
    table.on(QueryCommand).resolves({ Items: [profileKey(USER), profileKey(OTHER_ADMIN)] });
    table
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [SECRET_TABLE]: [profileItem(USER)] },
        UnprocessedKeys: { [SECRET_TABLE]: { Keys: [keyOf(OTHER_ADMIN)] } },
      })
      .resolves({ Responses: { [SECRET_TABLE]: [profileItem(OTHER_ADMIN)] } });

    const pending = list();
    await vi.runAllTimersAsync();
    const response = await pending;

    expect(response.statusCode).toBe(200);
    expect((bodyOf(response)["items"] as { sub: string }[]).map((item) => item.sub)).toEqual([
      USER,
      OTHER_ADMIN,
    ]);
    expect(table.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems).toEqual({
      [SECRET_TABLE]: { Keys: [keyOf(OTHER_ADMIN)] },
    });
  });

  it("answers a generic 500 when keys stay unprocessed, after a bounded number of tries", async () => {
    vi.useFakeTimers();
    table.on(QueryCommand).resolves({ Items: [profileKey(USER)] });
    table
      .on(BatchGetCommand)
      .resolves({ UnprocessedKeys: { [SECRET_TABLE]: { Keys: [keyOf(USER)] } } });

    const pending = list();
    await vi.runAllTimersAsync();
    const response = await pending;

    expectGenericProblem(response, 500);
    expect(table.commandCalls(BatchGetCommand)).toHaveLength(6);
  });

  it.each(dynamoFaults)(
    "answers a generic problem to %s while reading profiles",
    async (_, fault, status) => {
      table.on(QueryCommand).resolves({ Items: [profileKey(USER)] });
      table.on(BatchGetCommand).rejects(fault());

      const response = await list();

      expectGenericProblem(response, status);
    },
  );
});
