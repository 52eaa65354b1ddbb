import { randomBytes, randomUUID } from "node:crypto";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { dynamo } from "../../../shared/runtime/aws.js";
import { config } from "../../../shared/runtime/config.js";
import {
  createFile,
  deleteFile,
  getFile,
  listFiles,
  PENDING_GRACE_SECONDS,
  UPLOAD_EXPIRES_SECONDS,
  withDownloadUrl,
  type FileMeta,
  type NewFile,
} from "../../../shared/files/store.js";
import { postForm } from "../../fixtures/s3-uploads.js";
import { emulatorS3, useLocalFiles } from "../../support/local-files.js";

beforeAll(() => {
  useLocalFiles();
});

const status = (sub: string, fileId: string) =>
  dynamo()
    .send(
      new GetCommand({
        TableName: config.tableName(),
        Key: { pk: `USER#${sub}`, sk: `FILE#${fileId}` },
      }),
    )
    .then(({ Item }) => Item?.["status"] as string | undefined);

const objectExists = (sub: string, fileId: string) =>
  emulatorS3()
    .send(new HeadObjectCommand({ Bucket: config.bucketName(), Key: `users/${sub}/${fileId}` }))
    .then(
      () => true,
      (error: unknown) => {
        if ((error as { name?: string }).name === "NotFound") return false;
        throw error;
      },
    );

async function uploaded(sub: string, name = "notes.txt", bytes = randomBytes(32)) {
  const file = await createFile(sub, {
    fileName: name,
    contentType: "text/plain",
    size: bytes.length,
  });
  const response = await postForm(file.upload, bytes, "text/plain");
  expect(response.status).toBeLessThan(300);
  return { file, bytes };
}

const pendingFile = (sub: string, now?: Date): Promise<NewFile> =>
  createFile(sub, { fileName: "never.txt", contentType: "text/plain", size: 10 }, now);

describe("files (DynamoDB Local + S3 emulator)", () => {
  it("makes an uploaded file available on first read and serves its bytes as an attachment", async () => {
    const sub = randomUUID();
    const { file, bytes } = await uploaded(sub, "Übersicht (1).txt");
    const before = await status(sub, file.fileId);

    const found = await getFile(sub, file.fileId);
    const download = await withDownloadUrl(sub, found as FileMeta);
    const response = await fetch(download.downloadUrl);

    expect(before).toBe("pending");
    expect(found).toEqual({
      fileId: file.fileId,
      fileName: "Übersicht (1).txt",
      contentType: "text/plain",
      size: bytes.length,
      createdAt: expect.any(String) as unknown,
    });
    expect(await status(sub, file.fileId)).toBe("available");
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
    expect(response.headers.get("content-disposition")).toBe(
      "attachment; filename=\"_bersicht (1).txt\"; filename*=UTF-8''%C3%9Cbersicht%20%281%29.txt",
    );
  });

  it("answers undefined for an upload never made and keeps it pending within its window", async () => {
    const sub = randomUUID();
    const file = await pendingFile(sub);

    const found = await getFile(sub, file.fileId);
    const page = await listFiles(sub, { limit: 20 });

    expect(found).toBeUndefined();
    expect(page).toEqual({ items: [] });
    expect(await status(sub, file.fileId)).toBe("pending");
  });

  it("drops a pending file with no object only once its upload window and grace are over", async () => {
    const sub = randomUUID();
    const created = new Date();
    const file = await pendingFile(sub, created);
    const deadline = created.getTime() + (UPLOAD_EXPIRES_SECONDS + PENDING_GRACE_SECONDS) * 1000;

    await getFile(sub, file.fileId, new Date(deadline - 1000));
    const beforeDeadline = await status(sub, file.fileId);
    await listFiles(sub, { limit: 20 }, new Date(deadline + 1000));

    expect(beforeDeadline).toBe("pending");
    expect(await status(sub, file.fileId)).toBeUndefined();
  });

  it("keeps an object that breaks the declared size unavailable (S3 itself would refuse it)", async () => {
    const sub = randomUUID();
    const file = await createFile(sub, { fileName: "a.txt", contentType: "text/plain", size: 4 });
    await postForm(file.upload, randomBytes(40), "text/plain");

    const found = await getFile(sub, file.fileId);

    expect(found).toBeUndefined();
    expect(await status(sub, file.fileId)).toBe("pending");
  });

  it("lists only uploaded files, newest first, in caller-bound pages without duplicates", async () => {
    const sub = randomUUID();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await uploaded(sub, `file ${i}.txt`)).file.fileId);
      await pendingFile(sub);
    }

    const pages: FileMeta[][] = [];
    let cursor: string | undefined;
    do {
      const page = await listFiles(sub, { limit: 3, cursor });
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 10);

    const listed = pages.flat().map((file) => file.fileId);
    expect(listed).toEqual([...ids].reverse());
    expect(pages.every((page) => page.length <= 3)).toBe(true);
    await expect(listFiles(randomUUID(), { limit: 3, cursor: undefined })).resolves.toEqual({
      items: [],
    });
  });

  it("rejects the owner's cursor for another user", async () => {
    const alice = randomUUID();
    for (let i = 0; i < 2; i++) await uploaded(alice);
    const { nextCursor } = await listFiles(alice, { limit: 1 });

    const stolen = listFiles(randomUUID(), { limit: 1, cursor: nextCursor });

    await expect(stolen).rejects.toMatchObject({ status: 400 });
  });

  it("deletes the object and the metadata, then answers 404", async () => {
    const sub = randomUUID();
    const { file } = await uploaded(sub);

    await deleteFile(sub, file.fileId);

    expect(await objectExists(sub, file.fileId)).toBe(false);
    expect(await status(sub, file.fileId)).toBeUndefined();
    await expect(deleteFile(sub, file.fileId)).rejects.toMatchObject({ status: 404 });
  });

  it("gives another user nothing: no file, a 404 on delete, the owner's object intact", async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const { file, bytes } = await uploaded(alice);

    const seen = await getFile(bob, file.fileId);
    const removal = deleteFile(bob, file.fileId);

    expect(seen).toBeUndefined();
    await expect(removal).rejects.toMatchObject({ status: 404 });
    expect(await objectExists(alice, file.fileId)).toBe(true);
    const owned = await getFile(alice, file.fileId);
    const download = await fetch((await withDownloadUrl(alice, owned as FileMeta)).downloadUrl);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
  });
});
