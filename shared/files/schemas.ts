/**
 * What a client may declare when it asks to upload a file (docs/api.md: name 1-255 characters, size
 * 1 byte to 10 MiB). The name is display metadata only: it never becomes part of a storage key,
 * so `../`, `/` or `\` in it are harmless. It follows the one rule of every one-line text
 * (`line()`, shared with note titles): no control characters, bidirectional overrides (U+202E
 * makes `exe.pdf` look like `pdf.exe`) or line separators, and not only invisible characters.
 * Lengths count UTF-16 code units, as for notes.
 *
 * The content type must be a plain `type/subtype` (RFC 6838 name characters, no parameters) of a
 * registered top-level type; it is stored lower-case. No allowlist of formats: downloads are
 * always served as attachments from the bucket's own origin, so an HTML or SVG upload is never
 * rendered in the API's origin. Narrow the pattern here if your application accepts fewer types.
 */
import * as v from "valibot";
import { PayloadTooLargeError } from "../http/errors.js";
import { bodyObject, line } from "../http/validation.js";

export const FILE_NAME_MAX = 255;

/** The largest file a user may upload: 10 MiB. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

const fileName = line(1, FILE_NAME_MAX);

const mediaType =
  /^(?:application|audio|font|image|model|text|video)\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

const contentType = v.pipe(
  v.string("must be a string"),
  v.maxLength(255, "must be a media type such as image/png"),
  v.toLowerCase(),
  v.regex(mediaType, "must be a media type such as image/png"),
);

const size = v.pipe(
  v.number("must be a number of bytes"),
  v.integer("must be a whole number of bytes"),
  v.minValue(1, "must be at least 1 byte"),
);

/** POST /files: all three fields are required; any other (`key`, `fileId`, `status` …) is a 400. */
export const fileCreate = bodyObject({ fileName, contentType, size });

export type FileInput = v.InferOutput<typeof fileCreate>;

/**
 * The declared size against the limit: a well-formed size over 10 MiB is a 413 (docs/api.md), while
 * a malformed one is a 400 from the schema. The signed upload policy then holds the client to it.
 */
export function withinSizeLimit(input: FileInput): FileInput {
  if (input.size > MAX_FILE_BYTES) {
    throw new PayloadTooLargeError(`size: must be at most ${MAX_FILE_BYTES} bytes (10 MiB)`);
  }
  return input;
}
