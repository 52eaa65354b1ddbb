import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/delete-note.js";
import { newId } from "../../shared/data/keys.js";
import { apiEvent, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { dynamoFaults, expectGenericProblem, SECRET_TABLE } from "../fixtures/dynamo-faults.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

const remove = (options: ApiEventOptions = {}, noteId = newId()) =>
  handler(
    apiEvent({
      method: "DELETE",
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

describe("delete-note", () => {
  it("answers 401 when no authorizer vouched for a caller", async () => {
    const response = await remove({ sub: null });

    expect(response.statusCode).toBe(401);
    expect(table.calls()).toHaveLength(0);
  });

  it.each(["*", 'W/"1"', "2", '"1", "2"'])(
    "answers 400 to the If-Match value %s",
    async (value) => {
      const response = await remove({ headers: { "If-Match": value } });

      expect(response.statusCode).toBe(400);
      expect(table.calls()).toHaveLength(0);
    },
  );

  it("answers 404 to a malformed id, without a delete", async () => {
    const response = await remove({}, "NOTE#../x");

    expect(response.statusCode).toBe(404);
    expect(table.calls()).toHaveLength(0);
  });

  it("deletes unconditionally on version when If-Match is absent, but only an existing note", async () => {
    await remove();

    const input = table.commandCalls(DeleteCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe("attribute_exists(pk)");
    expect(input?.ExpressionAttributeValues).toBeUndefined();
  });

  it("makes the version in If-Match a condition of the delete", async () => {
    await remove({ headers: { "If-Match": '"3"' } });

    const input = table.commandCalls(DeleteCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe("attribute_exists(pk) AND #version = :expected");
    expect(input?.ExpressionAttributeValues).toEqual({ ":expected": 3 });
  });

  it("answers 412 when the note exists at another version", async () => {
    table.on(DeleteCommand).rejects(
      new ConditionalCheckFailedException({
        message: "The conditional request failed",
        $metadata: {},
        Item: { version: { N: "4" } },
      }),
    );

    const response = await remove({ headers: { "If-Match": '"3"' } });

    expect(response.statusCode).toBe(412);
  });

  it("answers 404 when there is no such note", async () => {
    table.on(DeleteCommand).rejects(
      new ConditionalCheckFailedException({
        message: "The conditional request failed",
        $metadata: {},
      }),
    );

    const response = await remove();

    expect(response.statusCode).toBe(404);
  });

  it.each(dynamoFaults)(
    "answers a generic problem when DynamoDB fails with %s",
    async (_, fault, status) => {
      table.on(DeleteCommand).rejects(fault());

      const response = await remove();

      expectGenericProblem(response, status);
    },
  );
});
