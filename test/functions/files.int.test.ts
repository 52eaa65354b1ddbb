import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { FileDownload, FilePage, NewFile } from "../../shared/files/store.js";
import { newId } from "../../shared/data/keys.js";
import { postForm } from "../fixtures/s3-uploads.js";
import { callApi, createUser, type TestUser } from "../support/users.js";

let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [alice, bob] = await Promise.all([createUser(), createUser()]);
});

async function declare(user: TestUser, body: unknown): Promise<Response> {
  return callApi("/files", { method: "POST", token: user.accessToken, body });
}

async function upload(user: TestUser, fileName: string, bytes: Buffer): Promise<NewFile> {
  const response = await declare(user, { fileName, contentType: "text/plain", size: bytes.length });
  expect(response.status).toBe(201);
  const file = (await response.json()) as NewFile;
  const stored = await postForm(file.upload, bytes, "text/plain");
  expect(stored.status).toBe(204);
  return file;
}

const getFile = (user: TestUser, fileId: string) =>
  callApi(`/files/${fileId}`, { token: user.accessToken });

const deleteFile = (user: TestUser, fileId: string) =>
  callApi(`/files/${fileId}`, { method: "DELETE", token: user.accessToken });

const listFiles = async (user: TestUser) =>
  (await (await callApi("/files", { token: user.accessToken })).json()) as FilePage;

async function download(response: Response): Promise<Buffer> {
  expect(response.status).toBe(200);
  const file = (await response.json()) as FileDownload;
  const bytes = await fetch(file.downloadUrl);
  expect(bytes.status).toBe(200);
  return Buffer.from(await bytes.arrayBuffer());
}

describe("/files through the local API", () => {
  it("creates, uploads, lists, downloads and deletes a file, then answers 404", async () => {
    const bytes = randomBytes(2048);

    const created = await declare(alice, {
      fileName: "../../etc/passwd",
      contentType: "text/plain",
      size: bytes.length,
    });
    const file = (await created.json()) as NewFile;
    const stored = await postForm(file.upload, bytes, "text/plain");
    const listed = await listFiles(alice);
    const read = await getFile(alice, file.fileId);
    const readBody = (await read.clone().json()) as FileDownload;
    const downloaded = await download(read);
    const deleted = await deleteFile(alice, file.fileId);
    const afterwards = await getFile(alice, file.fileId);
    const deletedAgain = await deleteFile(alice, file.fileId);

    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/files/${file.fileId}`);
    expect(file.upload.fields["key"]).toBe(`users/${alice.sub}/${file.fileId}`);
    expect(file.expiresIn).toBeLessThanOrEqual(900);
    expect(stored.status).toBe(204);
    expect(listed.items).toContainEqual({
      fileId: file.fileId,
      fileName: "../../etc/passwd",
      contentType: "text/plain",
      size: 2048,
      createdAt: expect.any(String) as unknown,
    });
    expect(readBody).toMatchObject({ fileId: file.fileId, size: 2048, expiresIn: 60 });
    expect(downloaded).toEqual(bytes);
    expect(deleted.status).toBe(204);
    expect(afterwards.status).toBe(404);
    expect(afterwards.headers.get("content-type")).toBe("application/problem+json");
    expect(deletedAgain.status).toBe(404);
    expect((await listFiles(alice)).items.map((f) => f.fileId)).not.toContain(file.fileId);
  });

  it("answers 404 for a file whose upload never happened, and does not list it", async () => {
    const created = await declare(alice, {
      fileName: "later.txt",
      contentType: "text/plain",
      size: 5,
    });
    const { fileId } = (await created.json()) as NewFile;

    const read = await getFile(alice, fileId);

    expect(created.status).toBe(201);
    expect(read.status).toBe(404);
    expect((await listFiles(alice)).items.map((f) => f.fileId)).not.toContain(fileId);
  });

  it("answers another user's fileId with the same 404 as an unknown one, for GET and DELETE", async () => {
    const bytes = randomBytes(64);
    const file = await upload(alice, "private.txt", bytes);

    const answers = [
      await getFile(bob, file.fileId),
      await deleteFile(bob, file.fileId),
      await getFile(bob, newId()),
      await deleteFile(bob, newId()),
    ];

    const bodies = await Promise.all(answers.map((r) => r.json()));
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404]);
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    expect((await listFiles(bob)).items).toEqual([]);
    expect(await download(await getFile(alice, file.fileId))).toEqual(bytes);
  });

  it("answers 413 to a declared size over 10 MiB and 400 to a bad name, type or size", async () => {
    const tooBig = await declare(alice, {
      fileName: "big.bin",
      contentType: "application/octet-stream",
      size: 10 * 1024 * 1024 + 1,
    });
    const bad = await Promise.all([
      declare(alice, { fileName: "a\u0000b", contentType: "text/plain", size: 1 }),
      declare(alice, { fileName: "x".repeat(300), contentType: "text/plain", size: 1 }),
      declare(alice, { fileName: "a", contentType: "text/plain;x=y", size: 1 }),
      declare(alice, { fileName: "a", contentType: "text/plain", size: 0 }),
      declare(alice, { fileName: "a", contentType: "text/plain", size: 1, key: "users/x/y" }),
    ]);

    expect(tooBig.status).toBe(413);
    expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
  });

  it("answers 401 without a valid access token", async () => {
    const anonymous = await callApi("/files");
    const withIdToken = await callApi("/files", { token: alice.idToken });

    expect(anonymous.status).toBe(401);
    expect(withIdToken.status).toBe(401);
  });
});
