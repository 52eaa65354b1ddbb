import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/update-note.js";
import { newId } from "../../shared/data/keys.js";
import { apiEvent, bodyOf, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { dynamoFaults, expectGenericProblem, SECRET_TABLE } from "../fixtures/dynamo-faults.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

const put = (options: ApiEventOptions = {}, noteId = newId()) =>
  handler(
    apiEvent({
      method: "PUT",
      resource: "/notes/{noteId}",
      pathParameters: { noteId },
      body: { title: "t", body: "b" },
      headers: { "If-Match": '"1"' },
      ...options,
    }),
    lambdaContext(),
  );

beforeEach(() => table.reset());
afterAll(() => {
  table.restore();
  stdout.mockRestore();
});

describe("update-note", () => {
  it("answers 401 when no authorizer vouched for a caller", async () => {
    const response = await put({ sub: null });

    expect(response.statusCode).toBe(401);
  });

  it("answers 428 without If-Match, without writing", async () => {
    const response = await put({ headers: {} });

    expect(response.statusCode).toBe(428);
    expect(bodyOf(response)["title"]).toBe("Precondition Required");
    expect(table.calls()).toHaveLength(0);
  });

  it.each(["*", 'W/"1"', "1", '"1", "2"', '"one"'])(
    "answers 400 to the If-Match value %s, without writing",
    async (value) => {
      const response = await put({ headers: { "If-Match": value } });

      expect(response.statusCode).toBe(400);
      expect(table.calls()).toHaveLength(0);
    },
  );

  it.each([
    ["version", { title: "t", body: "b", version: 7 }],
    ["updatedAt", { title: "t", body: "b", updatedAt: "2000-01-01T00:00:00.000Z" }],
    ["pk", { title: "t", body: "b", pk: "USER#user-b" }],
  ])("answers 400 to the mass-assigned field %s", async (field, body) => {
    const response = await put({ body });

    expect(bodyOf(response)["detail"]).toBe(`${field}: is not an allowed field`);
    expect(table.calls()).toHaveLength(0);
  });

  it("answers 400 when the body is missing, since PUT replaces the whole note", async () => {
    const response = await put({ body: { title: "t" } });

    expect(bodyOf(response)["detail"]).toBe("body: is required");
  });

  it("answers 404 to a malformed id, without writing", async () => {
    const response = await put({}, "../../PROFILE");

    expect(response.statusCode).toBe(404);
    expect(table.calls()).toHaveLength(0);
  });

  it("makes the version from If-Match the write's condition and answers the next ETag", async () => {
    const noteId = newId();
    const at = new Date().toISOString();
    table.on(UpdateCommand).resolves({
      Attributes: {
        pk: "USER#user-a",
        sk: `NOTE#${noteId}`,
        noteId,
        title: "t",
        body: "b",
        version: 42,
        createdAt: at,
        updatedAt: at,
      },
    });

    const response = await put({ headers: { "If-Match": '"41"' } }, noteId);

    const input = table.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ pk: "USER#user-a", sk: `NOTE#${noteId}` });
    expect(input?.ConditionExpression).toBe("attribute_exists(pk) AND #version = :expected");
    expect(input?.ExpressionAttributeValues).toMatchObject({ ":expected": 41, ":next": 42 });
    expect(response.headers?.["ETag"]).toBe('"42"');
    expect(bodyOf(response)).toEqual({
      noteId,
      title: "t",
      body: "b",
      version: 42,
      createdAt: at,
      updatedAt: at,
    });
  });

  it("answers 412 when the condition fails on an existing note", async () => {
    table.on(UpdateCommand).rejects(
      new ConditionalCheckFailedException({
        message: "The conditional request failed",
        $metadata: {},
        Item: { version: { N: "2" } },
      }),
    );

    const response = await put();

    expect(response.statusCode).toBe(412);
    expect(response.headers?.["Content-Type"]).toBe("application/problem+json");
  });

  it("answers 404 when the condition fails because there is no note", async () => {
    table.on(UpdateCommand).rejects(
      new ConditionalCheckFailedException({
        message: "The conditional request failed",
        $metadata: {},
      }),
    );

    const response = await put();

    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)["detail"]).toBe("The note does not exist.");
  });

  it.each(dynamoFaults)(
    "answers a generic problem when DynamoDB fails with %s",
    async (_, fault, status) => {
      table.on(UpdateCommand).rejects(fault());

      const response = await put();

      expectGenericProblem(response, status);
    },
  );
});
