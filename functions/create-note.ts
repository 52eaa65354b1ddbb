import { api } from "../shared/http/api.js";
import { etag, json } from "../shared/http/responses.js";
import { requireUser } from "../shared/auth/identity.js";
import { noteCreate } from "../shared/notes/schemas.js";
import { createNote } from "../shared/notes/store.js";
import { parseBody } from "../shared/http/validation.js";
import { countMetric } from "../shared/runtime/metrics.js";

/** POST /notes: stores a new note (version 1) for the caller. */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const input = parseBody(event, noteCreate);
  const note = await createNote(user.sub, input);
  countMetric("NoteCreated");
  return json(201, note, { Location: `/notes/${note.noteId}`, ETag: etag(note.version) });
});
