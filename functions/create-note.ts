import { api } from "../shared/api.js";
import { etag, json } from "../shared/http.js";
import { requireUser } from "../shared/identity.js";
import { noteCreate } from "../shared/note-schemas.js";
import { createNote } from "../shared/notes.js";
import { parseBody } from "../shared/validation.js";

/** POST /notes: stores a new note (version 1) for the caller. */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const input = parseBody(event, noteCreate);
  const note = await createNote(user.sub, input);
  return json(201, note, { Location: `/notes/${note.noteId}`, ETag: etag(note.version) });
});
