import { DeleteObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { attachment } from "../../../shared/files/content-disposition.js";
import { MAX_FILE_BYTES } from "../../../shared/files/schemas.js";
import {
  createFile,
  deleteFile,
  DOWNLOAD_EXPIRES_SECONDS,
  getFile,
  PENDING_GRACE_SECONDS,
  UPLOAD_EXPIRES_SECONDS,
  withDownloadUrl,
  type FileMeta,
} from "../../../shared/files/store.js";
import { newId } from "../../../shared/data/keys.js";
import { SECRET_TABLE } from "../../fixtures/dynamo-faults.js";
import {
  exactCondition,
  policyOf,
  SECRET_BUCKET,
  TEST_CREDENTIALS,
} from "../../fixtures/s3-uploads.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
vi.stubEnv("BUCKET_NAME", SECRET_BUCKET);
vi.stubEnv("AWS_REGION", "us-east-1");
vi.stubEnv("S3_ENDPOINT", "");
for (const [name, value] of Object.entries(TEST_CREDENTIALS)) vi.stubEnv(name, value);

const table = mockClient(DynamoDBDocumentClient);
const bucket = mockClient(S3Client);

beforeEach(() => {
  table.reset();
  bucket.reset();
});
afterAll(() => {
  table.restore();
  bucket.restore();
});

const ulidKey = /^users\/user-a\/[0-9A-HJKMNP-TV-Z]{26}$/;

const attacks = [
  "../../etc/passwd",
  "..\\..\\windows\\system32",
  "a/b/c.txt",
  "/absolute.txt",
  "%2e%2e%2f%2e%2e%2fsecret",
  "nul\u0000byte.txt",
  "x".repeat(300),
  "${filename}",
  "users/user-b/01J0000000000000000000000A",
  "",
];

describe("createFile", () => {
  it("stores pending metadata under the caller's partition and signs a policy fixing key, bucket, type, exact size and a 5-minute expiry", async () => {
    const now = new Date();

    const file = await createFile(
      "user-a",
      { fileName: "photo.png", contentType: "image/png", size: 1234 },
      now,
    );

    const put = table.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.Item).toEqual({
      pk: "USER#user-a",
      sk: `FILE#${file.fileId}`,
      fileId: file.fileId,
      fileName: "photo.png",
      contentType: "image/png",
      size: 1234,
      createdAt: now.toISOString(),
      status: "pending",
    });
    expect(put?.ConditionExpression).toBe("attribute_not_exists(pk)");
    const policy = policyOf(file.upload.fields);
    const key = `users/user-a/${file.fileId}`;
    expect(file.upload.fields["key"]).toBe(key);
    expect(file.upload.fields["Content-Type"]).toBe("image/png");
    expect(exactCondition(policy, "key")).toBe(key);
    expect(exactCondition(policy, "bucket")).toBe(SECRET_BUCKET);
    expect(exactCondition(policy, "Content-Type")).toBe("image/png");
    expect(policy.conditions).toContainEqual(["content-length-range", 1234, 1234]);
    expect(policy.conditions.filter((c) => Array.isArray(c) && c[0] === "starts-with")).toEqual([]);
    const lifetime = (Date.parse(policy.expiration) - now.getTime()) / 1000;
    expect(lifetime).toBeGreaterThan(UPLOAD_EXPIRES_SECONDS - 2);
    expect(lifetime).toBeLessThanOrEqual(UPLOAD_EXPIRES_SECONDS + 1);
    expect(lifetime).toBeLessThanOrEqual(15 * 60);
    expect(file.expiresIn).toBe(UPLOAD_EXPIRES_SECONDS);
    expect(file).toMatchObject({ fileName: "photo.png", contentType: "image/png", size: 1234 });
  });

  it("binds every form field except the policy and its signature with an exact condition", async () => {
    const file = await createFile("user-a", {
      fileName: "a.txt",
      contentType: "text/plain",
      size: MAX_FILE_BYTES,
    });

    const policy = policyOf(file.upload.fields);
    const unsigned = ["Policy", "X-Amz-Signature"];
    for (const [name, value] of Object.entries(file.upload.fields)) {
      if (!unsigned.includes(name)) expect(exactCondition(policy, name), name).toBe(value);
    }
    expect(policy.conditions).toContainEqual([
      "content-length-range",
      MAX_FILE_BYTES,
      MAX_FILE_BYTES,
    ]);
  });

  it.each(attacks)("never puts the file name %j into the storage key", async (fileName) => {
    const file = await createFile("user-a", { fileName, contentType: "text/plain", size: 5 });

    expect(file.upload.fields["key"]).toMatch(ulidKey);
    expect(exactCondition(policyOf(file.upload.fields), "key")).toBe(file.upload.fields["key"]);
    expect(table.commandCalls(PutCommand)[0]?.args[0].input.Item?.["fileName"]).toBe(fileName);
  });

  it("makes the key exactly users/<sub>/<fileId> for any file name", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: "binary", maxLength: 400 }), fc.constantFrom(...attacks)),
        async (fileName) => {
          const file = await createFile("user-a", { fileName, contentType: "text/plain", size: 1 });

          const key = `users/user-a/${file.fileId}`;
          expect(file.fileId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
          expect(file.upload.fields["key"]).toBe(key);
          expect(exactCondition(policyOf(file.upload.fields), "key")).toBe(key);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives every upload a new id", async () => {
    const input = { fileName: "same.txt", contentType: "text/plain", size: 3 };

    const ids = await Promise.all(
      Array.from({ length: 50 }, async () => (await createFile("user-a", input)).fileId),
    );

    expect(new Set(ids).size).toBe(50);
  });
});

describe("withDownloadUrl", () => {
  const file: FileMeta = {
    fileId: newId(),
    fileName: '../../Bericht "final" ü.pdf',
    contentType: "application/pdf",
    size: 10,
    createdAt: new Date().toISOString(),
  };

  it("signs a 60-second GET of the caller's key that downloads as an attachment", async () => {
    const download = await withDownloadUrl("user-a", file);

    const url = new URL(download.downloadUrl);
    expect(url.protocol).toBe("https:");
    expect(url.hostname).toBe(`${SECRET_BUCKET}.s3.us-east-1.amazonaws.com`);
    expect(url.pathname).toBe(`/users/user-a/${file.fileId}`);
    expect(url.searchParams.get("X-Amz-Expires")).toBe(String(DOWNLOAD_EXPIRES_SECONDS));
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host");
    expect(url.searchParams.get("response-content-disposition")).toBe(attachment(file.fileName));
    expect(url.searchParams.get("response-content-type")).toBe("application/pdf");
    expect(download).toEqual({
      ...file,
      downloadUrl: download.downloadUrl,
      expiresIn: DOWNLOAD_EXPIRES_SECONDS,
    });
  });
});

describe("getFile", () => {
  const pending = (createdAt: Date) => {
    const fileId = newId(createdAt.getTime());
    return {
      pk: "USER#user-a",
      sk: `FILE#${fileId}`,
      fileId,
      fileName: "a.txt",
      contentType: "text/plain",
      size: 5,
      createdAt: createdAt.toISOString(),
      status: "pending",
    };
  };

  it("answers undefined for an upload never made, without changing the metadata in its window", async () => {
    const item = pending(new Date());
    table.on(GetCommand).resolves({ Item: item });
    bucket
      .on(HeadObjectCommand)
      .rejects(Object.assign(new Error("NotFound"), { $metadata: { httpStatusCode: 404 } }));

    const file = await getFile("user-a", item.fileId);

    expect(file).toBeUndefined();
    expect(bucket.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: SECRET_BUCKET,
      Key: `users/user-a/${item.fileId}`,
    });
    expect(table.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(table.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it("drops the metadata of a pending file once its upload window and grace are over", async () => {
    const createdAt = new Date(
      Date.now() - (UPLOAD_EXPIRES_SECONDS + PENDING_GRACE_SECONDS + 1) * 1000,
    );
    const item = pending(createdAt);
    table.on(GetCommand).resolves({ Item: item });
    bucket
      .on(HeadObjectCommand)
      .rejects(Object.assign(new Error("NotFound"), { $metadata: { httpStatusCode: 404 } }));

    const file = await getFile("user-a", item.fileId);

    expect(file).toBeUndefined();
    const removed = table.commandCalls(DeleteCommand)[0]?.args[0].input;
    expect(removed?.Key).toEqual({ pk: "USER#user-a", sk: item.sk });
    expect(removed?.ConditionExpression).toBe("#status = :pending");
  });

  it("treats S3's 403 (no ListBucket) as a failure, not as a missing upload", async () => {
    const item = pending(new Date(0));
    table.on(GetCommand).resolves({ Item: item });
    bucket
      .on(HeadObjectCommand)
      .rejects(Object.assign(new Error("Forbidden"), { $metadata: { httpStatusCode: 403 } }));

    await expect(getFile("user-a", item.fileId)).rejects.toThrow("Forbidden");
    expect(table.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it("promotes a pending file whose object matches the declared size and type", async () => {
    const item = pending(new Date());
    table.on(GetCommand).resolves({ Item: item });
    bucket.on(HeadObjectCommand).resolves({ ContentLength: 5, ContentType: "text/plain" });

    const file = await getFile("user-a", item.fileId);

    expect(file).toEqual({
      fileId: item.fileId,
      fileName: "a.txt",
      contentType: "text/plain",
      size: 5,
      createdAt: item.createdAt,
    });
    const update = table.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ConditionExpression).toBe("attribute_exists(pk) AND #status = :pending");
    expect(update?.ExpressionAttributeValues).toEqual({
      ":available": "available",
      ":pending": "pending",
    });
  });

  it.each([
    ["a different size", { ContentLength: 6, ContentType: "text/plain" }],
    ["a different type", { ContentLength: 5, ContentType: "text/html" }],
  ])("keeps a pending file whose object has %s unavailable", async (_, head) => {
    const item = pending(new Date());
    table.on(GetCommand).resolves({ Item: item });
    bucket.on(HeadObjectCommand).resolves(head);

    const file = await getFile("user-a", item.fileId);

    expect(file).toBeUndefined();
    expect(table.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it("does not look up ids newId cannot produce", async () => {
    const answers = await Promise.all(
      ["../x", "", "a".repeat(26), `${newId()}/`].map((id) => getFile("user-a", id)),
    );

    expect(answers).toEqual([undefined, undefined, undefined, undefined]);
    expect(table.calls()).toHaveLength(0);
    expect(bucket.calls()).toHaveLength(0);
  });
});

describe("deleteFile", () => {
  it("deletes nothing from the table when deleting the object fails", async () => {
    bucket.on(DeleteObjectCommand).rejects(new Error("SlowDown"));

    await expect(deleteFile("user-a", newId())).rejects.toThrow("SlowDown");
    expect(table.calls()).toHaveLength(0);
  });

  it("deletes only under the caller's own prefix", async () => {
    const fileId = newId();

    await deleteFile("user-a", fileId);

    expect(bucket.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: SECRET_BUCKET,
      Key: `users/user-a/${fileId}`,
    });
    expect(table.commandCalls(DeleteCommand)[0]?.args[0].input.Key).toEqual({
      pk: "USER#user-a",
      sk: `FILE#${fileId}`,
    });
  });
});
