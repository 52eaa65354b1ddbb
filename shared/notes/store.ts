/**
 * Notes in the single table: `pk = USER#<sub>`, `sk = NOTE#<noteId>`, where `<sub>` is always the
 * verified caller. Another user's note is therefore out of reach, and "not found" is the only
 * answer for it — the same answer, from the same code path, as for an id that never existed.
 *
 * Every write is conditional: a create never overwrites, and an update or delete with an expected
 * version succeeds only while the stored version is still that one (optimistic locking), so
 * concurrent writers can never lose an update. Failures are thrown as HTTP errors (404, 412, 400
 * for a bad cursor) for the error mapper; ids that `newId` cannot produce never reach DynamoDB.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../runtime/aws.js";
import { config } from "../runtime/config.js";
import { NotFoundError, PreconditionFailedError } from "../http/errors.js";
import { isId, newId, userPk } from "../data/keys.js";
import type { NoteInput } from "./schemas.js";
import { queryOwnItems, type Page, type PageRequest } from "../data/paging.js";
import { conditionalWrite, type ConditionalWrite } from "../data/conditional-write.js";
import { fieldsOf } from "../data/items.js";

/** A note as clients see it: never the table's keys. */
export interface Note {
  noteId: string;
  title: string;
  body: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type NotePage = Page<Note>;

const NOTE_PREFIX = "NOTE#";

const noteKey = (sub: string, noteId: string) => ({ pk: userPk(sub), sk: NOTE_PREFIX + noteId });

/** The one "not found" for notes: absent, malformed id and another user's note look the same. */
export const noteNotFound = () => new NotFoundError("The note does not exist.");

function toNote(item: Record<string, unknown> | undefined): Note {
  const field = fieldsOf(item, "note");
  return {
    noteId: field.string("noteId"),
    title: field.string("title"),
    body: field.string("body"),
    version: field.number("version"),
    createdAt: field.string("createdAt"),
    updatedAt: field.string("updatedAt"),
  };
}

/**
 * The output of a versioned write; a failed condition with the old item means "changed since
 * read" (412), without it "absent" (404).
 */
function unlessStale<T>(written: ConditionalWrite<T>): T {
  if (written.ok) return written.output;
  throw written.existed ? new PreconditionFailedError() : noteNotFound();
}

/** Stores a new note at version 1 under the caller's partition. */
export async function createNote(sub: string, input: NoteInput, now = new Date()): Promise<Note> {
  const at = now.toISOString();
  const note: Note = {
    noteId: newId(now.getTime()),
    title: input.title,
    body: input.body,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await dynamo().send(
    new PutCommand({
      TableName: config.tableName(),
      Item: { ...noteKey(sub, note.noteId), ...note },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
  return note;
}

/** The caller's note, or undefined (also for a malformed id). Strongly consistent, for ETags. */
export async function getNote(sub: string, noteId: string | undefined): Promise<Note | undefined> {
  if (!isId(noteId)) return undefined;
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: config.tableName(),
      Key: noteKey(sub, noteId),
      ConsistentRead: true,
    }),
  );
  return Item ? toNote(Item) : undefined;
}

/**
 * One page of the caller's notes, newest first. `nextCursor` is present exactly when more notes
 * may follow; a page can hold fewer than `limit` notes when DynamoDB's 1 MB page limit is hit.
 */
export async function listNotes(sub: string, page: PageRequest): Promise<NotePage> {
  const items = await queryOwnItems(sub, NOTE_PREFIX, page);
  return { ...items, items: items.items.map(toNote) };
}

/** Replaces title and body if the stored version is `expected`; returns the note at version + 1. */
export async function updateNote(
  sub: string,
  noteId: string | undefined,
  input: NoteInput,
  expected: number,
  now = new Date(),
): Promise<Note> {
  if (!isId(noteId)) throw noteNotFound();
  const { Attributes } = unlessStale(
    await conditionalWrite(
      dynamo().send(
        new UpdateCommand({
          TableName: config.tableName(),
          Key: noteKey(sub, noteId),
          UpdateExpression:
            "SET #title = :title, #body = :body, #version = :next, #updatedAt = :now",
          ConditionExpression: "attribute_exists(pk) AND #version = :expected",
          ExpressionAttributeNames: {
            "#title": "title",
            "#body": "body",
            "#version": "version",
            "#updatedAt": "updatedAt",
          },
          ExpressionAttributeValues: {
            ":title": input.title,
            ":body": input.body,
            ":next": expected + 1,
            ":expected": expected,
            ":now": now.toISOString(),
          },
          ReturnValues: "ALL_NEW",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
    ),
  );
  return toNote(Attributes);
}

/** Deletes the caller's note; with `expected`, only while the stored version is still that one. */
export async function deleteNote(
  sub: string,
  noteId: string | undefined,
  expected?: number,
): Promise<void> {
  if (!isId(noteId)) throw noteNotFound();
  const versioned = expected !== undefined;
  unlessStale(
    await conditionalWrite(
      dynamo().send(
        new DeleteCommand({
          TableName: config.tableName(),
          Key: noteKey(sub, noteId),
          ConditionExpression: versioned
            ? "attribute_exists(pk) AND #version = :expected"
            : "attribute_exists(pk)",
          ...(versioned && {
            ExpressionAttributeNames: { "#version": "version" },
            ExpressionAttributeValues: { ":expected": expected },
          }),
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
    ),
  );
}
