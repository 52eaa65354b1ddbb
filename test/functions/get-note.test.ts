import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/get-note.js";
import { newId } from "../../shared/data/keys.js";
import { apiEvent, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { dynamoFaults, expectGenericProblem, SECRET_TABLE } from "../fixtures/dynamo-faults.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

const get = (noteId: string, options: ApiEventOptions = {}) =>
  handler(
    apiEvent({
      method: "GET",
      resource: "/notes/{noteId}",
      pathParameters: { noteId },
      ...options,
    }),
    lambdaContext(),
  );

beforeEach(() => table.reset());
afterAll(() => {
  table.restore();
  stdout.mockRestore();
});

describe("get-note", () => {
  it("answers 401 when no authorizer vouched for a caller", async () => {
    const response = await get(newId(), { sub: null });

    expect(response.statusCode).toBe(401);
    expect(table.calls()).toHaveLength(0);
  });

  it.each([
    ["text", "not-a-note"],
    ["a lower-case id", newId().toLowerCase()],
    ["an id one character too long", `${newId()}0`],
    ["an id with a letter ULIDs never use", `${newId().slice(0, 25)}U`],
    ["a path traversal", "../PROFILE"],
    ["a key fragment", "x#NOTE#y"],
    ["a 2,000-character id", "A".repeat(2000)],
  ])("answers the one 404 for %s, without a lookup", async (_, noteId) => {
    const response = await get(noteId);

    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({
      type: "about:blank",
      title: "Not Found",
      status: 404,
      detail: "The note does not exist.",
    });
    expect(table.calls()).toHaveLength(0);
  });

  it("answers 404 when the route gives no id at all", async () => {
    const response = await handler(apiEvent({ resource: "/notes/{noteId}" }), lambdaContext());

    expect(response.statusCode).toBe(404);
  });

  it("looks the note up only in the caller's partition, whatever the headers say", async () => {
    const noteId = newId();
    table.on(GetCommand).resolves({});

    const response = await get(noteId, { headers: { "X-User-Id": "user-b", sub: "user-b" } });

    expect(response.statusCode).toBe(404);
    expect(table.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({
      pk: "USER#user-a",
      sk: `NOTE#${noteId}`,
    });
  });

  it.each(dynamoFaults)(
    "answers a generic problem when DynamoDB fails with %s",
    async (_, fault, status) => {
      table.on(GetCommand).rejects(fault());

      const response = await get(newId());

      expectGenericProblem(response, status);
    },
  );
});
