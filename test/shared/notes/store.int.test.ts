import { randomUUID } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { dynamo } from "../../../shared/runtime/aws.js";
import { config } from "../../../shared/runtime/config.js";
import { encodeCursor } from "../../../shared/data/cursor.js";
import { newId } from "../../../shared/data/keys.js";
import {
  createNote,
  deleteNote,
  getNote,
  listNotes,
  updateNote,
  type Note,
} from "../../../shared/notes/store.js";
import { useLocalData } from "../../support/local-data.js";

beforeAll(() => {
  useLocalData();
});

const status = (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error: unknown) => (error as { status?: number }).status ?? 500,
  );

describe("notes (DynamoDB Local)", () => {
  it("creates a note at version 1 under the caller's partition, without keys in the result", async () => {
    const sub = randomUUID();

    const note = await createNote(sub, { title: "Groceries", body: "milk" });

    expect(note).toEqual({
      noteId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/) as unknown,
      title: "Groceries",
      body: "milk",
      version: 1,
      createdAt: note.updatedAt,
      updatedAt: expect.any(String) as unknown,
    });
    const { Item } = await dynamo().send(
      new GetCommand({
        TableName: config.tableName(),
        Key: { pk: `USER#${sub}`, sk: `NOTE#${note.noteId}` },
      }),
    );
    expect(Item).toMatchObject({ title: "Groceries", version: 1 });
    expect(await getNote(sub, note.noteId)).toEqual(note);
  });

  it("updates only at the expected version, and bumps it", async () => {
    const sub = randomUUID();
    const note = await createNote(sub, { title: "v1", body: "" }, new Date("2020-01-01T00:00:00Z"));

    const updated = await updateNote(sub, note.noteId, { title: "v2", body: "b" }, 1);
    const stale = await status(updateNote(sub, note.noteId, { title: "lost", body: "" }, 1));

    expect(updated).toMatchObject({
      title: "v2",
      body: "b",
      version: 2,
      createdAt: note.createdAt,
    });
    expect(updated.updatedAt > note.updatedAt).toBe(true);
    expect(stale).toBe(412);
    expect(await getNote(sub, note.noteId)).toEqual(updated);
  });

  it("answers 404, not 412, for an update or delete of a note that does not exist", async () => {
    const sub = randomUUID();

    expect(await status(updateNote(sub, newId(), { title: "t", body: "" }, 1))).toBe(404);
    expect(await status(deleteNote(sub, newId(), 1))).toBe(404);
    expect(await status(deleteNote(sub, newId()))).toBe(404);
  });

  it("lets exactly one of 10 concurrent updates with the same version win", async () => {
    const sub = randomUUID();
    const note = await createNote(sub, { title: "start", body: "" });

    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        status(updateNote(sub, note.noteId, { title: `writer ${i}`, body: "" }, 1)),
      ),
    );

    expect(outcomes.filter((s) => s === 200)).toHaveLength(1);
    expect(outcomes.filter((s) => s === 412)).toHaveLength(9);
    expect((await getNote(sub, note.noteId))?.version).toBe(2);
  });

  it("deletes with a stale version refused and the current version honoured", async () => {
    const sub = randomUUID();
    const note = await createNote(sub, { title: "t", body: "" });
    await updateNote(sub, note.noteId, { title: "t2", body: "" }, 1);

    const stale = await status(deleteNote(sub, note.noteId, 1));
    const stillThere = await getNote(sub, note.noteId);
    await deleteNote(sub, note.noteId, 2);

    expect(stale).toBe(412);
    expect(stillThere?.version).toBe(2);
    expect(await getNote(sub, note.noteId)).toBeUndefined();
    expect(await status(deleteNote(sub, note.noteId))).toBe(404);
  });

  it("keeps each user's notes out of every other user's reach", async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const note = await createNote(alice, { title: "private", body: "secret" });

    expect(await getNote(bob, note.noteId)).toBeUndefined();
    expect(await status(updateNote(bob, note.noteId, { title: "x", body: "" }, 1))).toBe(404);
    expect(await status(deleteNote(bob, note.noteId))).toBe(404);
    expect((await listNotes(bob, { limit: 100 })).items).toEqual([]);
    expect(await getNote(alice, note.noteId)).toEqual(note);
  });

  it("pages 25 notes by 10 into 3 pages, newest first, with no duplicates", async () => {
    const sub = randomUUID();
    const created: Note[] = [];
    for (let i = 0; i < 25; i++) {
      const at = new Date(Date.UTC(2030, 0, 1, 0, 0, i));
      created.push(await createNote(sub, { title: `note ${i}`, body: "" }, at));
    }

    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await listNotes(sub, { limit: 10, cursor });
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 10);

    expect(pages.map((items) => items.length)).toEqual([10, 10, 5]);
    expect(pages.flat().map((note) => note.title)).toEqual(created.map((n) => n.title).reverse());
    expect(pages.flat()[0]).toEqual(created.at(-1));
  });

  it("gives no cursor when a page ends exactly at the last note", async () => {
    const sub = randomUUID();
    for (let i = 0; i < 4; i++) await createNote(sub, { title: `n${i}`, body: "" });

    const first = await listNotes(sub, { limit: 2 });
    const second = await listNotes(sub, { limit: 2, cursor: first.nextCursor });

    expect(first.nextCursor).toEqual(expect.any(String));
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeUndefined();
  });

  it("refuses another user's cursor and a forged one naming another partition", async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    for (let i = 0; i < 3; i++) await createNote(alice, { title: `a${i}`, body: "" });
    const { nextCursor } = await listNotes(alice, { limit: 1 });
    const [first] = (await listNotes(alice, { limit: 1 })).items;
    const forged = encodeCursor(bob, { pk: `USER#${alice}`, sk: `NOTE#${first?.noteId ?? ""}` });

    expect(await status(listNotes(bob, { limit: 10, cursor: nextCursor }))).toBe(400);
    expect(await status(listNotes(bob, { limit: 10, cursor: forged }))).toBe(400);
  });
});
