/**
 * Everything a user can see of their own data through the API (profile, every note, every listed
 * file), read with their own token, so attack tests can prove that nothing changed.
 */
import { expect } from "vitest";
import type { FileMeta } from "../../shared/files/store.js";
import type { Me } from "../../shared/users/me.js";
import type { Note } from "../../shared/notes/store.js";
import { callApi, type TestUser } from "./users.js";

export interface Snapshot {
  me: Me;
  notes: Note[];
  files: FileMeta[];
}

/** The JSON body of a 2xx response (fails the test on anything else). */
export async function ok<T>(response: Response): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBeLessThan(300);
  return JSON.parse(text) as T;
}

/** Every item of a paged list, following `nextCursor` to the end. */
export async function everyItem<T>(user: TestUser, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const query = cursor === undefined ? "" : `&cursor=${cursor}`;
    const page = await ok<{ items: T[]; nextCursor?: string }>(
      await callApi(`${path}?limit=100${query}`, { token: user.accessToken }),
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}

export async function snapshot(user: TestUser): Promise<Snapshot> {
  const me = await ok<Me>(await callApi("/me", { token: user.accessToken }));
  return {
    me,
    notes: await everyItem<Note>(user, "/notes"),
    files: await everyItem<FileMeta>(user, "/files"),
  };
}

/** Runs `attack` and asserts that none of `users` saw any of their data change. */
export async function unchanged(
  users: readonly TestUser[],
  attack: () => Promise<void>,
): Promise<void> {
  const before: Snapshot[] = [];
  for (const user of users) before.push(await snapshot(user));

  await attack();

  const after: Snapshot[] = [];
  for (const user of users) after.push(await snapshot(user));
  expect(after).toEqual(before);
}
