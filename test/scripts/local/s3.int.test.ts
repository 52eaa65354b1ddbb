/**
 * The S3 endpoint of the local stack refuses what S3 refuses (s3rver alone accepts all of it):
 * POST uploads that break their signed policy, edited or expired policies, tampered or expired
 * presigned URLs and unsigned requests, with S3's codes and statuses. Each case has its positive
 * control: the same request, unaltered, is accepted.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { createPresignedPost, type PresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { S3Event } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_CREDENTIALS, REGION } from "../../../scripts/local/environment.js";
import { Lifecycle } from "../../../scripts/local/lifecycle.js";
import { freePort } from "../../../scripts/local/ports.js";
import { startS3 } from "../../../scripts/local/s3.js";
import { postForm } from "../../fixtures/s3-uploads.js";

const BUCKET = "files";
const life = new Lifecycle();
const stateDir = mkdtempSync(join(tmpdir(), "s3-gateway-"));
const events: S3Event[] = [];
let s3: S3Client;
let endpoint: string;

beforeAll(async () => {
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  s3 = await startS3({
    port,
    stateDir,
    persistent: false,
    life,
    onObjectCreated: (event) => events.push(event),
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  await life.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** A form as `POST /files` signs it: exact key, exact type, exact size, 5 minutes. */
function form(key: string, size: number, options: { expires?: number } = {}) {
  return createPresignedPost(s3, {
    Bucket: BUCKET,
    Key: key,
    Fields: { "Content-Type": "text/plain" },
    Conditions: [["content-length-range", size, size]],
    Expires: options.expires ?? 300,
  });
}

const userKey = () => `users/${randomUUID()}/${randomUUID()}`;

async function refusal(response: Response) {
  const body = await response.text();
  return {
    status: response.status,
    code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1],
    message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1]?.replace(/&#34;/g, '"'),
  };
}

const exists = (key: string) =>
  s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
    () => true,
    () => false,
  );

function withPolicy(upload: PresignedPost, edit: (policy: string) => string): PresignedPost {
  const policy = Buffer.from(upload.fields["Policy"] ?? "", "base64").toString("utf8");
  return {
    url: upload.url,
    fields: { ...upload.fields, Policy: Buffer.from(edit(policy)).toString("base64") },
  };
}

describe("the local S3 endpoint, for POST uploads", () => {
  it("stores a form upload that meets its policy, and tells the object-created hook", async () => {
    const key = userKey();
    const bytes = randomBytes(32);

    const response = await postForm(await form(key, 32), bytes, "text/plain");

    expect(response.status).toBe(204);
    expect(await exists(key)).toBe(true);
    const created = events.flatMap((e) => e.Records).find((r) => r.s3.object.key === key);
    expect(created).toMatchObject({
      eventName: "ObjectCreated:Post",
      s3: { bucket: { name: BUCKET }, object: { key, size: 32 } },
    });
  });

  it("refuses more bytes than the policy allows with 400 EntityTooLarge, storing nothing", async () => {
    const key = userKey();

    const response = await postForm(await form(key, 32), randomBytes(33), "text/plain");

    expect(await refusal(response)).toEqual({
      status: 400,
      code: "EntityTooLarge",
      message: "Your proposed upload exceeds the maximum allowed size",
    });
    expect(await exists(key)).toBe(false);
  });

  it("refuses fewer bytes than the policy asks with 400 EntityTooSmall", async () => {
    const key = userKey();

    const response = await postForm(await form(key, 32), randomBytes(31), "text/plain");

    expect(await refusal(response)).toMatchObject({ status: 400, code: "EntityTooSmall" });
    expect(await exists(key)).toBe(false);
  });

  it("refuses another Content-Type than the signed one with 403, naming the condition", async () => {
    const key = userKey();
    const upload = await form(key, 4);

    const response = await postForm(
      { url: upload.url, fields: { ...upload.fields, "Content-Type": "text/html" } },
      randomBytes(4),
      "text/html",
    );

    expect(await refusal(response)).toEqual({
      status: 403,
      code: "AccessDenied",
      message:
        'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "text/plain"]',
    });
    expect(await exists(key)).toBe(false);
  });

  it("refuses a key moved into another user's prefix, leaving that user's object as it was", async () => {
    const victimKey = userKey();
    const original = randomBytes(8);
    expect((await postForm(await form(victimKey, 8), original, "text/plain")).status).toBe(204);
    const upload = await form(userKey(), 8);

    const response = await postForm(
      { url: upload.url, fields: { ...upload.fields, key: victimKey } },
      randomBytes(8),
      "text/plain",
    );

    expect(await refusal(response)).toMatchObject({
      status: 403,
      code: "AccessDenied",
      message: expect.stringMatching(
        /^Invalid according to Policy: Policy Condition failed: \["eq", "\$key", /,
      ) as unknown,
    });
    const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: victimKey }));
    expect(Buffer.from((await stored.Body?.transformToByteArray()) ?? [])).toEqual(original);
  });

  it("refuses an edited policy (a larger size range) with 403 SignatureDoesNotMatch", async () => {
    const key = userKey();
    const upload = withPolicy(await form(key, 4), (p) =>
      p.replace('["content-length-range",4,4]', '["content-length-range",4,4000]'),
    );
    expect(Buffer.from(upload.fields["Policy"] ?? "", "base64").toString()).toContain("4000");

    const response = await postForm(upload, randomBytes(400), "text/plain");

    expect(await refusal(response)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    expect(await exists(key)).toBe(false);
  });

  it("refuses a form whose policy has expired with 403 'Policy expired.'", async () => {
    const key = userKey();

    const response = await postForm(
      await form(key, 4, { expires: -1 }),
      randomBytes(4),
      "text/plain",
    );

    expect(await refusal(response)).toEqual({
      status: 403,
      code: "AccessDenied",
      message: "Invalid according to Policy: Policy expired.",
    });
    expect(await exists(key)).toBe(false);
  });

  it("refuses a field no condition covers, and a form signed with another secret", async () => {
    const upload = await form(userKey(), 4);
    const other = new S3Client({
      region: REGION,
      endpoint,
      forcePathStyle: true,
      credentials: {
        accessKeyId: LOCAL_CREDENTIALS.accessKeyId,
        secretAccessKey: "not-the-secret",
      },
    });

    const extra = await postForm(
      { url: upload.url, fields: { ...upload.fields, "x-amz-meta-owner": "mallory" } },
      randomBytes(4),
      "text/plain",
    );
    const forged = await postForm(
      await createPresignedPost(other, { Bucket: BUCKET, Key: userKey(), Expires: 300 }),
      randomBytes(4),
      "text/plain",
    );

    expect(await refusal(extra)).toEqual({
      status: 403,
      code: "AccessDenied",
      message: "Invalid according to Policy: Extra input fields: x-amz-meta-owner",
    });
    expect(await refusal(forged)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    other.destroy();
  });
});

describe("the local S3 endpoint, for presigned URLs and SDK calls", () => {
  const key = userKey();
  const bytes = randomBytes(16);

  beforeAll(async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes }));
  });

  it("serves a presigned GET within its lifetime", async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: key }), {
      expiresIn: 60,
    });

    const response = await fetch(url);

    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it("refuses an expired presigned GET with 403 'Request has expired'", async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: key }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
    });

    expect(await refusal(await fetch(url))).toEqual({
      status: 403,
      code: "AccessDenied",
      message: "Request has expired",
    });
  });

  it("refuses a presigned GET pointed at another key, or with its lifetime stretched", async () => {
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60 }),
    );
    const otherKey = new URL(url);
    otherKey.pathname = `/${BUCKET}/${userKey()}`;
    const stretched = new URL(url);
    stretched.searchParams.set("X-Amz-Expires", "3600");

    expect(await refusal(await fetch(otherKey))).toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
    });
    expect(await refusal(await fetch(stretched))).toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
    });
  });

  it("stores through a presigned PUT only at the signed key", async () => {
    const target = userKey();
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: target }), {
      expiresIn: 60,
    });
    const moved = new URL(url);
    moved.pathname = `/${BUCKET}/${userKey()}`;

    const refused = await fetch(moved, { method: "PUT", body: "x" });
    const stored = await fetch(url, { method: "PUT", body: "x" });

    expect(await refusal(refused)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    expect(stored.status).toBe(200);
    expect(await exists(target)).toBe(true);
  });

  it("refuses unsigned requests and SDK calls signed with a wrong secret", async () => {
    const wrong = new S3Client({
      region: REGION,
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: "wrong" },
    });
    const unknown = new S3Client({
      region: REGION,
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "AKIDUNKNOWN", secretAccessKey: "x" },
    });

    const anonymous = await fetch(`${endpoint}/${BUCKET}/${key}`);
    const badSecret = await wrong
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
      .catch((e: unknown) => e);
    const badKey = await unknown
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
      .catch((e: unknown) => e);

    expect(await refusal(anonymous)).toMatchObject({ status: 403, code: "AccessDenied" });
    expect(badSecret).toMatchObject({ name: "SignatureDoesNotMatch" });
    expect(badKey).toMatchObject({ name: "InvalidAccessKeyId" });
    wrong.destroy();
    unknown.destroy();
  });
});
