/**
 * Email addresses as the sign-up allowlist sees them. The parser is deliberately narrower than
 * RFC 5322: exactly one `@`, a dot-atom local part (no quotes, comments, spaces or backslashes),
 * and an ASCII host name of letter-digit-hyphen labels, with nothing before or after. Whatever a
 * mail system might read differently from us is rejected, never normalised: non-ASCII look-alikes
 * and full-width characters, punycode and other reserved `??--` labels, control characters,
 * surrounding spaces, leading, trailing or doubled dots, address literals such as `[10.0.0.1]`.
 * What passes names one domain without ambiguity, so the allowlist check is a plain string match.
 */

/** A strictly parsed address. */
export interface EmailAddress {
  /** The local part, case preserved. */
  local: string;
  /** The domain, lower-case. */
  domain: string;
  /** `local@domain` with the domain lower-cased. */
  address: string;
}

const MAX_ADDRESS = 254;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

const printableAscii = /^[\x21-\x7e]+$/;
const atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const dotAtom = new RegExp(`^${atom}(?:\\.${atom})*$`);
const hostLabel = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const reservedLabel = /^..--/;
const numeric = /^\d+$/;

function isHostName(domain: string): boolean {
  if (domain.length > MAX_DOMAIN) return false;
  const labels = domain.split(".");
  const tld = labels[labels.length - 1] ?? "";
  return (
    labels.length >= 2 &&
    labels.every((label) => hostLabel.test(label) && !reservedLabel.test(label)) &&
    !numeric.test(tld)
  );
}

/**
 * Parses `input` strictly; undefined for anything that is not a plain ASCII `local@host.name`.
 * The ASCII check runs before any case folding: `toLowerCase()` maps some non-ASCII characters
 * (the Kelvin sign U+212A) to ASCII letters, which would let a look-alike through.
 */
export function parseEmail(input: unknown): EmailAddress | undefined {
  if (typeof input !== "string" || input.length > MAX_ADDRESS || !printableAscii.test(input)) {
    return undefined;
  }
  const at = input.indexOf("@");
  if (at < 0 || at !== input.lastIndexOf("@")) return undefined;
  const local = input.slice(0, at);
  const host = input.slice(at + 1);
  if (local.length > MAX_LOCAL || !dotAtom.test(local) || !isHostName(host)) return undefined;
  const domain = host.toLowerCase();
  return { local, domain, address: `${local}@${domain}` };
}

/**
 * The parsed address when its domain is exactly one of `allowedDomains` (compared
 * case-insensitively), otherwise undefined. A subdomain, a suffix, a prefix or a substring of an
 * allowed domain is not that domain.
 */
export function allowedEmail(
  input: unknown,
  allowedDomains: readonly string[],
): EmailAddress | undefined {
  const email = parseEmail(input);
  if (email === undefined) return undefined;
  return allowedDomains.some((allowed) => allowed.toLowerCase() === email.domain)
    ? email
    : undefined;
}
