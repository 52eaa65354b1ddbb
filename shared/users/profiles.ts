/**
 * User profiles: created once by PostConfirmation, read by `/me`, PreAuthentication and
 * PreTokenGeneration, touched by PostAuthentication, and disabled/enabled by admins.
 */
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../runtime/aws.js";
import { config } from "../runtime/config.js";
import { decodeCursor, encodeCursor, type CursorKey } from "../data/cursor.js";
import { PROFILE_SK, PROFILES_GSI_PK, PROFILES_INDEX, subOfPk, userPk } from "../data/keys.js";
import { firstOf, type Page, type PageRequest } from "../data/paging.js";
import { conditionalWrite } from "../data/conditional-write.js";
import { fieldsOf } from "../data/items.js";

/** The plan of a profile until something sets another. */
export const DEFAULT_PLAN = "free";

export type ProfileStatus = "active" | "disabled" | "deleting";

export interface Profile {
  sub: string;
  email: string;
  displayName: string;
  plan: string;
  status: ProfileStatus;
  createdAt: string;
  lastLoginAt: string | null;
  loginCount: number;
}

interface ProfileItem extends Profile {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
}

const STATUSES: readonly ProfileStatus[] = ["active", "disabled", "deleting"];

function toProfile(item: Record<string, unknown> | undefined): Profile {
  const field = fieldsOf(item, "profile");
  return {
    sub: field.string("sub"),
    email: field.string("email"),
    displayName: field.string("displayName"),
    plan: field.string("plan"),
    status: field.oneOf("status", STATUSES),
    createdAt: field.string("createdAt"),
    lastLoginAt: field.nullableString("lastLoginAt"),
    loginCount: field.number("loginCount"),
  };
}

/** The caller's profile, or undefined before PostConfirmation created it. */
export async function getProfile(sub: string): Promise<Profile | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: config.tableName(), Key: { pk: userPk(sub), sk: PROFILE_SK } }),
  );
  return Item ? toProfile(Item) : undefined;
}

/** Creates the profile unless it exists; a repeat changes nothing. Returns true when created. */
export async function createProfileOnce(input: { sub: string; email: string }, now = new Date()) {
  const createdAt = now.toISOString();
  const item: ProfileItem = {
    pk: userPk(input.sub),
    sk: PROFILE_SK,
    gsi1pk: PROFILES_GSI_PK,
    gsi1sk: `${createdAt}#${input.sub}`,
    sub: input.sub,
    email: input.email.toLowerCase(),
    displayName: input.email.split("@")[0] ?? "",
    plan: DEFAULT_PLAN,
    status: "active",
    createdAt,
    lastLoginAt: null,
    loginCount: 0,
  };
  const written = await conditionalWrite(
    dynamo().send(
      new PutCommand({
        TableName: config.tableName(),
        Item: item,
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    ),
  );
  return written.ok;
}

/** Sets the display name of an existing profile; undefined when there is no profile. */
export async function updateDisplayName(sub: string, displayName: string) {
  const written = await conditionalWrite(
    dynamo().send(
      new UpdateCommand({
        TableName: config.tableName(),
        Key: { pk: userPk(sub), sk: PROFILE_SK },
        UpdateExpression: "SET displayName = :name",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":name": displayName },
        ReturnValues: "ALL_NEW",
      }),
    ),
  );
  return written.ok ? toProfile(written.output.Attributes) : undefined;
}

/** Records a sign-in: `lastLoginAt` now and `loginCount` + 1, atomically. */
export async function recordLogin(sub: string, now = new Date()): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: config.tableName(),
      Key: { pk: userPk(sub), sk: PROFILE_SK },
      UpdateExpression: "SET lastLoginAt = :now ADD loginCount :one",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":now": now.toISOString(), ":one": 1 },
    }),
  );
}

/** Sets the profile status; false when the user has no profile, or it is being deleted. */
export async function setStatus(sub: string, status: ProfileStatus): Promise<boolean> {
  const written = await conditionalWrite(
    dynamo().send(
      new UpdateCommand({
        TableName: config.tableName(),
        Key: { pk: userPk(sub), sk: PROFILE_SK },
        UpdateExpression: "SET #status = :status",
        ConditionExpression: "attribute_exists(pk) AND #status <> :deleting",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":status": status, ":deleting": "deleting" },
      }),
    ),
  );
  return written.ok;
}

/** True for a Cognito `sub` (a UUID); anything else names no user, so it is a 404. */
export function isSub(value: string | undefined): value is string {
  return (
    value !== undefined &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
  );
}

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * True when `key` has exactly the shape of a LastEvaluatedKey of `listProfiles`: a profile's table
 * key plus its `PROFILES` index key, consistent with each other. Cursor decoding calls this before
 * the key reaches DynamoDB.
 */
export function isProfileCursorKey(key: CursorKey): boolean {
  const { pk, sk, gsi1pk, gsi1sk, ...rest } = key;
  if (Object.keys(rest).length > 0 || sk !== PROFILE_SK || gsi1pk !== PROFILES_GSI_PK) return false;
  const sub = subOfPk(pk);
  if (!isSub(sub) || pk !== userPk(sub) || gsi1sk === undefined) return false;
  const [createdAt, indexedSub, ...extra] = gsi1sk.split("#");
  return extra.length === 0 && indexedSub === sub && isoInstant.test(createdAt ?? "");
}

function toCursorKey(key: Record<string, unknown>): CursorKey {
  return Object.fromEntries(
    Object.entries(key).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

/** How often `getProfiles` asks again for keys DynamoDB left unprocessed before it gives up. */
const BATCH_GET_RETRIES = 5;

/**
 * The profiles of `subs` from the table, in the order given; a sub without a profile (deleted
 * since its index entry was read) is left out. One BatchGetItem per 100 keys, asking again for
 * the keys DynamoDB leaves unprocessed under load, with a short backoff.
 */
async function getProfiles(subs: string[]): Promise<Profile[]> {
  const found = new Map<string, Profile>();
  for (let first = 0; first < subs.length; first += 100) {
    let keys: Record<string, unknown>[] = subs
      .slice(first, first + 100)
      .map((sub) => ({ pk: userPk(sub), sk: PROFILE_SK }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > BATCH_GET_RETRIES) throw new Error("DynamoDB left profile reads unprocessed");
      if (attempt > 0) await new Promise((resume) => setTimeout(resume, 25 * 2 ** attempt));
      const { Responses, UnprocessedKeys } = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [config.tableName()]: { Keys: keys } } }),
      );
      for (const item of Responses?.[config.tableName()] ?? []) {
        const profile = toProfile(item);
        found.set(profile.sub, profile);
      }
      keys = UnprocessedKeys?.[config.tableName()]?.Keys ?? [];
    }
  }
  return subs.flatMap((sub) => found.get(sub) ?? []);
}

/**
 * A page of every user's profile, newest first (admin use only), in the page shape of every list.
 * The `PROFILES` index holds keys only (`KEYS_ONLY`), so a sign-in, which changes `lastLoginAt` and
 * `loginCount`, never writes it (docs/architecture.md); the page's profiles are then read from the
 * table by key. The cursor is bound to the admin who asked (`callerSub`): another caller's, an
 * edited one or one that is not a profile key of the index is a 400.
 */
export async function listProfiles(callerSub: string, page: PageRequest): Promise<Page<Profile>> {
  const startKey = decodeCursor(callerSub, page.cursor, isProfileCursorKey);
  const limit = page.limit;
  const { Items = [], LastEvaluatedKey } = await dynamo().send(
    new QueryCommand({
      TableName: config.tableName(),
      IndexName: PROFILES_INDEX,
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": PROFILES_GSI_PK },
      ScanIndexForward: false,
      Limit: limit + 1,
      ExclusiveStartKey: startKey,
    }),
  );
  const { page: keys, more } = firstOf(Items.map(toCursorKey), limit, LastEvaluatedKey);
  const last = keys.at(-1);
  const items = await getProfiles(keys.flatMap(({ pk }) => subOfPk(pk) ?? []));
  if (!more || !last) return { items };
  return { items, nextCursor: encodeCursor(callerSub, last) };
}

/**
 * The user's profile, created first if missing. Users who never pass PostConfirmation (migrated
 * from the legacy store, or created by an admin) get theirs at their first sign-in; `email` then
 * comes from the pool (set by UserMigration or an admin, both allowlist-checked), never from the
 * user. Creation is `createProfileOnce`, so concurrent callers agree on one profile.
 */
export async function ensureProfile(
  input: { sub: string; email: string },
  now = new Date(),
): Promise<Profile> {
  const existing = await getProfile(input.sub);
  if (existing) return existing;
  await createProfileOnce(input, now);
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: config.tableName(),
      Key: { pk: userPk(input.sub), sk: PROFILE_SK },
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new Error("The profile vanished right after it was created");
  return toProfile(Item);
}
