import { randomUUID } from "node:crypto";
import type { APIGatewayProxyResult } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { handler as createNote } from "../../functions/create-note.js";
import { handler as deleteNote } from "../../functions/delete-note.js";
import { handler as getNote } from "../../functions/get-note.js";
import { handler as listNotes } from "../../functions/list-notes.js";
import { handler as updateNote } from "../../functions/update-note.js";
import { newId } from "../../shared/data/keys.js";
import type { Note, NotePage } from "../../shared/notes/store.js";
import { apiEvent, bodyOf, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { useLocalData } from "../support/local-data.js";

beforeAll(() => {
  useLocalData();
});

const route = "/notes/{noteId}";

const create = (sub: string, body: unknown, options: ApiEventOptions = {}) =>
  createNote(
    apiEvent({ method: "POST", resource: "/notes", sub, body, ...options }),
    lambdaContext(),
  );

const get = (sub: string, noteId: string) =>
  getNote(
    apiEvent({ method: "GET", resource: route, sub, pathParameters: { noteId } }),
    lambdaContext(),
  );

const put = (sub: string, noteId: string, body: unknown, ifMatch?: string) =>
  updateNote(
    apiEvent({
      method: "PUT",
      resource: route,
      sub,
      pathParameters: { noteId },
      body,
      headers: ifMatch === undefined ? {} : { "If-Match": ifMatch },
    }),
    lambdaContext(),
  );

const remove = (sub: string, noteId: string, ifMatch?: string) =>
  deleteNote(
    apiEvent({
      method: "DELETE",
      resource: route,
      sub,
      pathParameters: { noteId },
      headers: ifMatch === undefined ? {} : { "If-Match": ifMatch },
    }),
    lambdaContext(),
  );

const list = (sub: string, query: Record<string, string> = {}) =>
  listNotes(apiEvent({ method: "GET", resource: "/notes", sub, query }), lambdaContext());

async function created(sub: string, title = "a note"): Promise<Note> {
  const response = await create(sub, { title, body: "body" });
  expect(response.statusCode).toBe(201);
  return bodyOf<Note>(response);
}

function problemOf(response: APIGatewayProxyResult) {
  expect(response.headers?.["Content-Type"]).toBe("application/problem+json");
  return { status: response.statusCode, body: response.body };
}

describe("notes routes (DynamoDB Local)", () => {
  it("creates, reads, replaces and deletes a note with ETags and Location", async () => {
    const sub = randomUUID();

    const post = await create(sub, { title: "Groceries" });
    const note = bodyOf<Note>(post);
    const read = await get(sub, note.noteId);
    const replaced = await put(sub, note.noteId, { title: "Shopping", body: "milk" }, '"1"');
    const reread = await get(sub, note.noteId);
    const deleted = await remove(sub, note.noteId, '"2"');
    const gone = await get(sub, note.noteId);

    expect(post.statusCode).toBe(201);
    expect(post.headers).toMatchObject({ Location: `/notes/${note.noteId}`, ETag: '"1"' });
    expect(note).toEqual({
      noteId: expect.any(String) as unknown,
      title: "Groceries",
      body: "",
      version: 1,
      createdAt: note.updatedAt,
      updatedAt: expect.any(String) as unknown,
    });
    expect(read.statusCode).toBe(200);
    expect(read.headers?.["ETag"]).toBe('"1"');
    expect(bodyOf(read)).toEqual(note);
    expect(replaced.statusCode).toBe(200);
    expect(replaced.headers?.["ETag"]).toBe('"2"');
    expect(bodyOf(replaced)).toMatchObject({ title: "Shopping", body: "milk", version: 2 });
    expect(bodyOf(reread)).toEqual(bodyOf(replaced));
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe("");
    expect(gone.statusCode).toBe(404);
  });

  it("answers 428 to a PUT without If-Match and 412 to a stale one, leaving the note as it was", async () => {
    const sub = randomUUID();
    const note = await created(sub);
    await put(sub, note.noteId, { title: "second", body: "" }, '"1"');

    const unconditional = await put(sub, note.noteId, { title: "blind", body: "" });
    const stale = await put(sub, note.noteId, { title: "stale", body: "" }, '"1"');
    const staleDelete = await remove(sub, note.noteId, '"1"');

    expect(problemOf(unconditional).status).toBe(428);
    expect(problemOf(stale).status).toBe(412);
    expect(problemOf(staleDelete).status).toBe(412);
    expect(bodyOf(await get(sub, note.noteId))).toMatchObject({ title: "second", version: 2 });
  });

  it("lets exactly one of 10 concurrent PUTs with the same If-Match win", async () => {
    const sub = randomUUID();
    const note = await created(sub);

    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        put(sub, note.noteId, { title: `writer ${i}`, body: "" }, '"1"'),
      ),
    );

    const winners = responses.filter((r) => r.statusCode === 200);
    expect(winners).toHaveLength(1);
    expect(responses.filter((r) => r.statusCode === 412)).toHaveLength(9);
    const stored = bodyOf<Note>(await get(sub, note.noteId));
    expect(stored.version).toBe(2);
    expect(stored.title).toBe(bodyOf<Note>(winners[0] as APIGatewayProxyResult).title);
  });

  it("pages 25 notes by 10 into 3 pages, newest first, with no duplicates", async () => {
    const sub = randomUUID();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await created(sub, `note ${i}`)).noteId);

    const pages: Note[][] = [];
    let cursor: string | undefined;
    do {
      const response = await list(sub, { limit: "10", ...(cursor ? { cursor } : {}) });
      expect(response.statusCode).toBe(200);
      const page = bodyOf<NotePage>(response);
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 10);

    const listed = pages.flat();
    expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
    expect(new Set(listed.map((n) => n.noteId)).size).toBe(25);
    expect([...listed.map((n) => n.noteId)].sort()).toEqual([...ids].sort());
    expect(listed.map((n) => n.noteId)).toEqual([...ids].sort().reverse());
    const times = listed.map((n) => n.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it("uses the default limit of 20 and returns an empty list for a new user", async () => {
    const sub = randomUUID();

    const empty = bodyOf<NotePage>(await list(sub));

    expect(empty).toEqual({ items: [] });
  });

  describe("another user's note", () => {
    it("is a 404 for GET, PUT and DELETE, identical to an id that never existed", async () => {
      const alice = randomUUID();
      const bob = randomUUID();
      const note = await created(alice, "alice's");
      const never = newId();

      const answers = {
        get: [await get(bob, note.noteId), await get(bob, never), await get(bob, "junk")],
        put: [
          await put(bob, note.noteId, { title: "mine", body: "" }, '"1"'),
          await put(bob, never, { title: "mine", body: "" }, '"1"'),
        ],
        delete: [
          await remove(bob, note.noteId),
          await remove(bob, never),
          await remove(bob, note.noteId, '"1"'),
          await remove(bob, never, '"1"'),
        ],
      };

      const all = Object.values(answers).flat().map(problemOf);
      const [first] = all;
      expect(first?.status).toBe(404);
      for (const answer of all) expect(answer).toEqual(first);
      expect(bodyOf(await get(alice, note.noteId))).toEqual(note);
    });

    it("is invisible in lists, and the owner's cursor is a 400 for anyone else", async () => {
      const alice = randomUUID();
      const bob = randomUUID();
      for (let i = 0; i < 3; i++) await created(alice);
      const aliceFirst = bodyOf<NotePage>(await list(alice, { limit: "1" }));
      const cursor = aliceFirst.nextCursor ?? "";

      const bobsList = bodyOf<NotePage>(await list(bob));
      const stolen = await list(bob, { cursor });

      expect(bobsList.items).toEqual([]);
      expect(problemOf(stolen).status).toBe(400);
      expect(stolen.body).not.toContain(alice);
    });
  });

  it.each([
    [
      "a character changed",
      (c: string) => c.slice(0, 10) + (c[10] === "x" ? "y" : "x") + c.slice(11),
    ],
    ["truncated", (c: string) => c.slice(0, -4)],
    ["extended", (c: string) => `${c}AAAA`],
    ["replaced by text", () => "not-a-cursor"],
    [
      "re-encoded with another key",
      (c: string) => {
        const payload = JSON.parse(Buffer.from(c, "base64url").toString()) as {
          k: Record<string, string>;
        };
        payload.k["sk"] = `NOTE#${newId()}`;
        return Buffer.from(JSON.stringify(payload)).toString("base64url");
      },
    ],
  ])("answers 400 to the owner's cursor %s", async (_, edit) => {
    const sub = randomUUID();
    for (let i = 0; i < 3; i++) await created(sub);
    const { nextCursor } = bodyOf<NotePage>(await list(sub, { limit: "1" }));

    const response = await list(sub, { cursor: edit(nextCursor ?? "") });

    expect(problemOf(response).status).toBe(400);
  });

  it("answers 400 to server-owned fields and stores nothing", async () => {
    const sub = randomUUID();
    const note = await created(sub);

    const createWithVersion = await create(sub, { title: "t", version: 50 });
    const createWithOwner = await create(sub, { title: "t", pk: `USER#${randomUUID()}` });
    const replaceWithDates = await put(
      sub,
      note.noteId,
      { title: "t", body: "", createdAt: "2000-01-01T00:00:00.000Z" },
      '"1"',
    );

    expect(problemOf(createWithVersion).status).toBe(400);
    expect(problemOf(createWithOwner).status).toBe(400);
    expect(problemOf(replaceWithDates).status).toBe(400);
    expect(bodyOf<NotePage>(await list(sub)).items).toEqual([note]);
  });

  it("files a note under the verified caller whatever the headers and query name", async () => {
    const alice = randomUUID();
    const bob = randomUUID();

    const response = await create(
      alice,
      { title: "whose?" },
      { headers: { "X-User-Id": bob, "Content-Type": "application/json" }, query: { sub: bob } },
    );

    expect(response.statusCode).toBe(201);
    expect(bodyOf<NotePage>(await list(bob)).items).toEqual([]);
    expect(bodyOf<NotePage>(await list(alice)).items).toHaveLength(1);
  });
});
