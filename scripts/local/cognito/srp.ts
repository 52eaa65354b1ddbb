/**
 * The server side of Cognito's SRP-6a, as amazon-cognito-identity-js and Amplify compute the client
 * side: the 3072-bit group of RFC 5054 with g = 2, SHA-256, k = H(N | g), hex values padded to an
 * unambiguous two's-complement form before hashing, x = H(salt | H(poolName userId ":" password)),
 * a 16-byte "Caldera Derived Key" (HKDF-SHA256 of S salted with u), and the password claim
 * signature: HMAC-SHA256 over pool name, user id for SRP, secret block and timestamp.
 *
 * The emulator keeps each user's password, so the verifier is computed per sign-in from it with a
 * fresh salt; nothing here is stored.
 */
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

const N_HEX =
  "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
  "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
  "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
  "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
  "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
  "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
  "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
  "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

/** The group's prime. */
export const N = BigInt(`0x${N_HEX}`);
/** The group's generator. */
export const g = 2n;

/**
 * A non-negative integer as an even-length hex string with a leading `00` when its top bit is set
 * (the shape of Java's `BigInteger.toByteArray()`), which both sides hash.
 */
export function padHex(value: bigint): string {
  if (value < 0n) throw new RangeError("SRP values are never negative");
  const hex = value.toString(16);
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return /^[89a-f]/.test(even) ? `00${even}` : even;
}

function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

const hexHash = (hex: string): string => sha256Hex(Buffer.from(hex, "hex"));
const fromHex = (hex: string): bigint => BigInt(`0x${hex}`);

/** The multiplier k = H(pad(N) | pad(g)). */
export const k = fromHex(hexHash(padHex(N) + padHex(g)));

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let square = ((base % modulus) + modulus) % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
  }
  return result;
}

const randomInteger = (bytes: number): bigint => fromHex(randomBytes(bytes).toString("hex"));

/** The verifier v = g^x of a password, for the pool name (the pool id after `_`) and user id. */
export function passwordVerifier(
  poolName: string,
  userId: string,
  password: string,
  saltHex: string,
): bigint {
  const identity = sha256Hex(`${poolName}${userId}:${password}`);
  const x = fromHex(hexHash(padHex(fromHex(saltHex)) + identity));
  return modPow(g, x, N);
}

/** The server's half of one sign-in: a fresh salt, its secret b and public B = k·v + g^b. */
export interface ServerSession {
  /** SALT, as sent to the client (hex). */
  salt: string;
  /** SRP_B, as sent to the client (hex). */
  srpB: string;
  b: bigint;
  verifier: bigint;
}

/** Starts a sign-in for a user whose password the server knows. */
export function startServerSession(
  poolName: string,
  userId: string,
  password: string,
): ServerSession {
  const salt = padHex(randomInteger(16));
  const verifier = passwordVerifier(poolName, userId, password, salt);
  for (;;) {
    const b = randomInteger(128);
    const B = (k * verifier + modPow(g, b, N)) % N;
    if (B !== 0n) return { salt, srpB: B.toString(16), b, verifier };
  }
}

/** A value a client sent is not usable (A ≡ 0 mod N, or not hex). */
export class SrpParameterError extends Error {
  override name = "SrpParameterError";
}

/** Parses the client's SRP_A, refusing what SRP-6a forbids (A mod N = 0). */
export function parseSrpA(srpA: string): bigint {
  if (!/^[0-9a-fA-F]{1,2048}$/.test(srpA)) throw new SrpParameterError("SRP_A is not hex");
  const A = fromHex(srpA);
  if (A % N === 0n) throw new SrpParameterError("SRP_A mod N cannot be 0");
  return A;
}

/** The 16-byte key both sides derive: HKDF-SHA256(S, salt u, info "Caldera Derived Key"). */
export function passwordAuthenticationKey(A: bigint, session: ServerSession): Buffer {
  const B = fromHex(session.srpB);
  const u = fromHex(hexHash(padHex(A) + padHex(B)));
  if (u === 0n) throw new SrpParameterError("u cannot be 0");
  const S = modPow((A * modPow(session.verifier, u, N)) % N, session.b, N);
  const key = hkdfSync(
    "sha256",
    Buffer.from(padHex(S), "hex"),
    Buffer.from(padHex(u), "hex"),
    Buffer.from("Caldera Derived Key", "utf8"),
    16,
  );
  return Buffer.from(key);
}

/** PASSWORD_CLAIM_SIGNATURE: HMAC-SHA256(key, poolName | userId | secretBlock | timestamp). */
export function passwordClaimSignature(
  key: Buffer,
  poolName: string,
  userId: string,
  secretBlock: string,
  timestamp: string,
): string {
  return createHmac("sha256", key)
    .update(
      Buffer.concat([
        Buffer.from(poolName, "utf8"),
        Buffer.from(userId, "utf8"),
        Buffer.from(secretBlock, "base64"),
        Buffer.from(timestamp, "utf8"),
      ]),
    )
    .digest("base64");
}

/** Compares a claimed signature with the expected one in constant time. */
export function signaturesMatch(expected: string, claimed: string): boolean {
  const a = Buffer.from(expected, "base64");
  const b = Buffer.from(claimed, "base64");
  return a.length === b.length && timingSafeEqual(a, b);
}

const TIMESTAMP =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d UTC \d{4}$/;

/** Whether TIMESTAMP has Cognito's shape, e.g. `Tue Dec 2 14:09:06 UTC 2026` (day not padded). */
export function isCognitoTimestamp(timestamp: string): boolean {
  return TIMESTAMP.test(timestamp);
}
