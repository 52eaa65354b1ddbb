/**
 * What a client may write in a note (docs/api.md: title 1-200 characters, body up to 10,000).
 * Everything else — `noteId`, `version`, `createdAt`, `updatedAt`, keys, owners — is server-owned,
 * and sending it is a 400. Lengths count UTF-16 code units (JavaScript string length).
 */
import * as v from "valibot";
import { bodyObject, line, text } from "../http/validation.js";

export const TITLE_MAX = 200;
export const BODY_MAX = 10_000;

/** POST /notes: a one-line title, and optionally a body (default empty). */
export const noteCreate = bodyObject({
  title: line(1, TITLE_MAX),
  body: v.optional(text(0, BODY_MAX), ""),
});

/**
 * PUT /notes/{noteId}: replaces the note's content, so both fields are required; a client that
 * forgets `body` gets a 400 instead of silently erasing it.
 */
export const noteReplace = bodyObject({ title: line(1, TITLE_MAX), body: text(0, BODY_MAX) });

export type NoteInput = v.InferOutput<typeof noteReplace>;
