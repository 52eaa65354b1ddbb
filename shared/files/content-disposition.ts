/**
 * `Content-Disposition: attachment` for a user-chosen file name (RFC 6266): browsers download the
 * file instead of rendering it, under its original name. The name goes into `filename*` as
 * percent-encoded UTF-8 (RFC 8187), and into a plain `filename` fallback for old clients, in
 * which everything but printable ASCII — and `"`, `\`, `%`, `/` — is replaced by `_`, so no
 * name can break out of the header value or smuggle a path.
 */
const attrChar = /[^A-Za-z0-9!#$&+.^_`|~-]/gu;

function encodeRfc8187(value: string): string {
  return value.replace(attrChar, (char) =>
    [...Buffer.from(char, "utf8")]
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`)
      .join(""),
  );
}

/** The header value that serves `fileName` as a download. */
export function attachment(fileName: string): string {
  const name = fileName.toWellFormed();
  const fallback = name.replace(/[^\x20-\x7e]|["\\%/]/gu, "_");
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}
