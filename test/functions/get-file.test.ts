import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/get-file.js";
import type { FileDownload } from "../../shared/files/store.js";
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

const get = (fileId: string, options: ApiEventOptions = {}) =>
  handler(
    apiEvent({
      method: "GET",
      resource: "/files/{fileId}",
      pathParameters: { fileId },
      ...options,
    }),
    lambdaContext(),
  );

const item = (status: string) => {
  const fileId = newId();
  return {
    pk: "USER#user-a",
    sk: `FILE#${fileId}`,
    fileId,
    fileName: "notes.txt",
    contentType: "text/plain",
    size: 5,
    createdAt: new Date().toISOString(),
    status,
  };
};

beforeEach(() => {
  table.reset();
  bucket.reset();
});
afterAll(() => {
  table.restore();
  bucket.restore();
  stdout.mockRestore();
});

describe("get-file", () => {
  it("answers the metadata and a download URL for an available file, without caching", async () => {
    const stored = item("available");
    table.on(GetCommand).resolves({ Item: stored });

    const response = await get(stored.fileId);

    const file = bodyOf<FileDownload>(response);
    expect(response.statusCode).toBe(200);
    expect(response.headers?.["Cache-Control"]).toBe("no-store");
    expect(file).toEqual({
      fileId: stored.fileId,
      fileName: "notes.txt",
      contentType: "text/plain",
      size: 5,
      createdAt: stored.createdAt,
      downloadUrl: expect.stringContaining(`/users/user-a/${stored.fileId}?`) as unknown,
      expiresIn: 60,
    });
    expect(table.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({
      pk: "USER#user-a",
      sk: `FILE#${stored.fileId}`,
    });
    expect(bucket.calls()).toHaveLength(0);
  });

  it("answers 401 when no authorizer vouched for a caller", async () => {
    const response = await get(newId(), { sub: null });

    expect(response.statusCode).toBe(401);
    expect(table.calls()).toHaveLength(0);
  });

  it("answers the same 404 for an absent file, a pending one with no object and a malformed id", async () => {
    const pending = item("pending");
    table.on(GetCommand).resolves({});
    table
      .on(GetCommand, { Key: { pk: "USER#user-a", sk: pending.sk } })
      .resolves({ Item: pending });
    bucket
      .on(HeadObjectCommand)
      .rejects(Object.assign(new Error("NotFound"), { $metadata: { httpStatusCode: 404 } }));

    const answers = [
      await get(newId()),
      await get(pending.fileId),
      await get("../PROFILE"),
      await get("x".repeat(2000)),
    ];

    for (const answer of answers) {
      expect(answer.statusCode).toBe(404);
      expect(answer.body).toBe(answers[0]?.body);
    }
    expect(bodyOf(answers[0] ?? { statusCode: 0, body: "{}" })["detail"]).toBe(
      "The file does not exist.",
    );
    expect(bucket.commandCalls(HeadObjectCommand)[0]?.args[0].input.Key).toBe(
      `users/user-a/${pending.fileId}`,
    );
  });

  it("answers a generic 500, naming no bucket, when S3 refuses the upload check", async () => {
    table.on(GetCommand).resolves({ Item: item("pending") });
    bucket.on(HeadObjectCommand).rejects(
      Object.assign(new Error(`Access Denied to ${SECRET_BUCKET}`), {
        name: "Forbidden",
        $metadata: { httpStatusCode: 403 },
      }),
    );

    const response = await get(newId());

    expectGenericProblem(response, 500);
    expect(response.body).not.toContain(SECRET_BUCKET);
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
