import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DeleteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/delete-file.js";
import { newId } from "../../shared/data/keys.js";
import { apiEvent, bodyOf, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { dynamoFaults, expectGenericProblem, SECRET_TABLE } from "../fixtures/dynamo-faults.js";
import { SECRET_BUCKET, TEST_CREDENTIALS } from "../fixtures/s3-uploads.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
vi.stubEnv("BUCKET_NAME", SECRET_BUCKET);
vi.stubEnv("S3_ENDPOINT", "");
for (const [name, value] of Object.entries(TEST_CREDENTIALS)) vi.stubEnv(name, value);
const table = mockClient(DynamoDBDocumentClient);
const bucket = mockClient(S3Client);
const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

const remove = (fileId: string, options: ApiEventOptions = {}) =>
  handler(
    apiEvent({
      method: "DELETE",
      resource: "/files/{fileId}",
      pathParameters: { fileId },
      ...options,
    }),
    lambdaContext(),
  );

const missing = () =>
  new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });

beforeEach(() => {
  table.reset();
  bucket.reset();
});
afterAll(() => {
  table.restore();
  bucket.restore();
  stdout.mockRestore();
});

describe("delete-file", () => {
  it("deletes the object under the caller's prefix, then the metadata, and answers 204", async () => {
    const fileId = newId();

    const response = await remove(fileId);

    expect(response.statusCode).toBe(204);
    expect(response.body).toBe("");
    expect(bucket.commandCalls(DeleteObjectCommand)[0]?.args[0].input.Key).toBe(
      `users/user-a/${fileId}`,
    );
    expect(table.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: "USER#user-a", sk: `FILE#${fileId}` },
      ConditionExpression: "attribute_exists(pk)",
    });
  });

  it("answers 404 when the caller has no such file", async () => {
    table.on(DeleteCommand).rejects(missing());

    const response = await remove(newId());

    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)["detail"]).toBe("The file does not exist.");
  });

  it.each([["../x"], ["users%2Fuser-b"], ["a".repeat(26)]])(
    "answers 404 to the malformed id %j without touching S3 or the table",
    async (fileId) => {
      const response = await remove(fileId);

      expect(response.statusCode).toBe(404);
      expect(bucket.calls()).toHaveLength(0);
      expect(table.calls()).toHaveLength(0);
    },
  );

  it("answers 401 when no authorizer vouched for a caller", async () => {
    const response = await remove(newId(), { sub: null });

    expect(response.statusCode).toBe(401);
    expect(bucket.calls()).toHaveLength(0);
  });

  it("answers 503 and keeps the metadata when S3 is throttling", async () => {
    bucket
      .on(DeleteObjectCommand)
      .rejects(Object.assign(new Error(`Slow down on ${SECRET_BUCKET}`), { name: "SlowDown" }));

    const response = await remove(newId());

    expectGenericProblem(response, 503);
    expect(response.body).not.toContain(SECRET_BUCKET);
    expect(table.calls()).toHaveLength(0);
  });

  it.each(dynamoFaults)(
    "answers a generic problem when DynamoDB fails with %s",
    async (_, fault, status) => {
      table.on(DeleteCommand).rejects(fault());

      const response = await remove(newId());

      expectGenericProblem(response, status);
    },
  );
});
