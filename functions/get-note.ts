import { api } from "../shared/http/api.js";
import { etag, json } from "../shared/http/responses.js";
import { requireUser } from "../shared/auth/identity.js";
import { getNote, noteNotFound } from "../shared/notes/store.js";

/** GET /notes/{noteId}: the caller's note and its ETag; anyone else's is simply not found. */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const note = await getNote(user.sub, event.pathParameters?.["noteId"]);
  if (!note) throw noteNotFound();
  return json(200, note, { ETag: etag(note.version) });
});
