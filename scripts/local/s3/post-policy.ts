/**
 * S3's checks of a browser-based (POST) upload, in S3's order: the signature over the policy,
 * the policy's expiry, each condition, the fields no condition covers, and the file's size.
 * Field names are matched case-insensitively, as S3 does.
 */
import { badRequest, invalidPolicy, S3Error, accessDenied } from "./errors.js";
import type { PostForm } from "./multipart.js";
import { ALGORITHM, verifyPolicySignature, type Credentials } from "./sigv4.js";

/** What a verified upload stores. */
export interface VerifiedUpload {
  key: string;
  size: number;
}

type Condition =
  | { kind: "eq" | "starts-with"; field: string; value: string; text: string }
  | { kind: "content-length-range"; min: number; max: number; text: string };

/** Fields S3 does not expect a condition for. */
const UNCONDITIONED = new Set(["policy", "x-amz-signature", "file"]);

const conditionFailed = (text: string) => invalidPolicy(`Policy Condition failed: ${text}`);

/** A policy condition in S3's printed form (the form its error messages quote). */
function parseCondition(raw: unknown): Condition {
  if (Array.isArray(raw)) {
    const text = `[${raw.map((part: unknown) => JSON.stringify(part)).join(", ")}]`;
    const [op, a, b] = raw as unknown[];
    if (raw.length === 3 && op === "content-length-range") {
      if (typeof a !== "number" || typeof b !== "number") throw conditionFailed(text);
      return { kind: "content-length-range", min: a, max: b, text };
    }
    if (
      raw.length === 3 &&
      (op === "eq" || op === "starts-with") &&
      typeof a === "string" &&
      a.startsWith("$") &&
      typeof b === "string"
    ) {
      return { kind: op, field: a.slice(1).toLowerCase(), value: b, text };
    }
    throw conditionFailed(text);
  }
  if (typeof raw === "object" && raw !== null) {
    const entries: [string, unknown][] = Object.entries(raw);
    const [entry] = entries;
    if (entries.length === 1 && entry && typeof entry[1] === "string") {
      const [field, value] = entry;
      return {
        kind: "eq",
        field: field.toLowerCase(),
        value,
        text: `["eq", "$${field}", ${JSON.stringify(value)}]`,
      };
    }
  }
  throw invalidPolicy(`Policy Condition failed: ${JSON.stringify(raw)}`);
}

interface Policy {
  expiration: Date;
  conditions: Condition[];
}

function parsePolicy(encoded: string): Policy {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
  } catch {
    throw invalidPolicy("Policy could not be parsed as a valid JSON string.");
  }
  if (typeof document !== "object" || document === null) {
    throw invalidPolicy("Policy could not be parsed as a valid JSON string.");
  }
  const { expiration, conditions } = document as Record<string, unknown>;
  const expires = typeof expiration === "string" ? new Date(expiration) : undefined;
  if (!expires || Number.isNaN(expires.getTime())) {
    throw invalidPolicy("Policy missing expiration.");
  }
  if (!Array.isArray(conditions)) throw invalidPolicy("Policy missing conditions.");
  return { expiration: expires, conditions: conditions.map(parseCondition) };
}

/** A Content-Type with commas is a list: a condition on it must hold for every member. */
function values(field: string, value: string): string[] {
  return field === "content-type" ? value.split(",").map((v) => v.trim()) : [value];
}

/**
 * Verifies a POST upload to `bucket` and returns what it stores; throws the S3Error S3 would answer
 * with. (`${filename}` in a key is not expanded: the project's forms never use it.)
 */
export function verifyPostUpload(
  credentials: Credentials,
  bucket: string,
  form: PostForm,
  now: Date,
): VerifiedUpload {
  const fields = new Map<string, string>();
  for (const [name, value] of form.fields) {
    const lower = name.toLowerCase();
    if (fields.has(lower)) {
      throw badRequest("InvalidArgument", `POST requires exactly one value for ${name}.`);
    }
    fields.set(lower, value);
  }
  const get = (name: string) => fields.get(name);
  const policy = get("policy");
  const key = get("key");
  if (key === undefined) {
    throw badRequest("InvalidArgument", "Bucket POST must contain a field named 'key'.");
  }
  if (!form.file) {
    throw badRequest("InvalidArgument", "POST requires exactly one file upload per request.");
  }
  if (policy === undefined) throw accessDenied("Anonymous access is forbidden for this operation");
  const algorithm = get("x-amz-algorithm");
  const credential = get("x-amz-credential");
  const signature = get("x-amz-signature");
  if (algorithm !== ALGORITHM || !credential || !signature || !get("x-amz-date")) {
    throw accessDenied(
      "Bucket POST must contain the fields x-amz-algorithm, x-amz-credential, x-amz-date and x-amz-signature for a signature version 4 policy.",
    );
  }
  verifyPolicySignature(credentials, credential, policy, signature);

  const { expiration, conditions } = parsePolicy(policy);
  if (now > expiration) throw invalidPolicy("Policy expired.");

  const covered = new Set<string>();
  let range: Extract<Condition, { kind: "content-length-range" }> | undefined;
  for (const condition of conditions) {
    if (condition.kind === "content-length-range") {
      range = condition;
      continue;
    }
    covered.add(condition.field);
    const value = condition.field === "bucket" ? bucket : (get(condition.field) ?? "");
    const holds = values(condition.field, value).every((v) =>
      condition.kind === "eq" ? v === condition.value : v.startsWith(condition.value),
    );
    if (!holds) throw conditionFailed(condition.text);
  }
  const bucketField = get("bucket");
  if (bucketField !== undefined && bucketField !== bucket) {
    throw badRequest(
      "InvalidArgument",
      "The bucket field does not name the bucket of the request URL.",
    );
  }
  const extra = [...fields.keys()].filter(
    (name) => !UNCONDITIONED.has(name) && !name.startsWith("x-ignore-") && !covered.has(name),
  );
  if (extra.length > 0) throw invalidPolicy(`Extra input fields: ${extra.join(", ")}`);

  const size = form.file.length;
  if (range && size > range.max) {
    throw new S3Error(
      400,
      "EntityTooLarge",
      "Your proposed upload exceeds the maximum allowed size",
      {
        ProposedSize: size,
        MaxSizeAllowed: range.max,
      },
    );
  }
  if (range && size < range.min) {
    throw new S3Error(
      400,
      "EntityTooSmall",
      "Your proposed upload is smaller than the minimum allowed size",
      {
        ProposedSize: size,
        MinSizeAllowed: range.min,
      },
    );
  }
  return { key, size };
}
