/**
 * The `multipart/form-data` body of an S3 POST upload: the form fields, then the `file` part.
 * S3 reads fields up to the file and ignores any after it; so does this parser.
 */
import { badRequest } from "./errors.js";

export interface PostForm {
  /** Field name (as sent) -> value, in form order, up to the file. */
  fields: [string, string][];
  /** The file's bytes, or undefined when the form has no file part. */
  file: Buffer | undefined;
}

const malformed = () =>
  badRequest(
    "MalformedPOSTRequest",
    "The body of your POST request is not well-formed multipart/form-data.",
  );

/** The boundary of a `multipart/form-data` content type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** The `name` parameter of a part's Content-Disposition, and whether it carries a filename. */
function disposition(head: string): { name: string; isFile: boolean } | undefined {
  const line = head.split("\r\n").find((l) => /^content-disposition:/i.test(l));
  const name = line && /;\s*name="([^"]*)"/i.exec(line)?.[1];
  return name === undefined || name === ""
    ? undefined
    : { name, isFile: /;\s*filename=/i.test(line ?? "") };
}

export function parseForm(body: Buffer, boundary: string): PostForm {
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: [string, string][] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw malformed();
  for (;;) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const headStart = start + 2;
    const headEnd = body.indexOf("\r\n\r\n", headStart);
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headEnd);
    if (headEnd < 0 || next < 0) throw malformed();
    const part = disposition(body.subarray(headStart, headEnd).toString("utf8"));
    if (!part) throw malformed();
    const content = body.subarray(headEnd + 4, next);
    if (part.name.toLowerCase() === "file") return { fields, file: content };
    fields.push([part.name, content.toString("utf8")]);
    at = next + 2;
  }
  return { fields, file: undefined };
}
