/** S3's error responses: `<Error><Code/><Message/>…</Error>` with the status S3 gives each code. */

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A refusal as S3 words it; `extra` adds S3's detail elements (ProposedSize, Expires, …). */
export class S3Error extends Error {
  override name = "S3Error";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string | number> = {},
  ) {
    super(message);
  }

  /** The XML body S3 sends. */
  toXml(): string {
    const parts: [string, string | number][] = [
      ["Code", this.code],
      ["Message", this.message],
      ...Object.entries(this.extra),
    ];
    const elements = parts
      .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
      .join("");
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${elements}<RequestId>local</RequestId></Error>`;
  }
}

export const accessDenied = (message = "Access Denied") =>
  new S3Error(403, "AccessDenied", message);

/** A POST whose form breaks its policy: S3 prefixes every such message the same way. */
export const invalidPolicy = (reason: string) =>
  accessDenied(`Invalid according to Policy: ${reason}`);

export const signatureMismatch = () =>
  new S3Error(
    403,
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  );

export const unknownAccessKey = (accessKeyId: string) =>
  new S3Error(
    403,
    "InvalidAccessKeyId",
    "The AWS Access Key Id you provided does not exist in our records.",
    { AWSAccessKeyId: accessKeyId },
  );

export const badRequest = (code: string, message: string) => new S3Error(400, code, message);
