/**
 * Newest-first pages of one kind of the caller's items (`pk = USER#<sub>`, `sk = <prefix><id>`),
 * shared by every `GET /<items>?limit=&cursor=` route. Cursors are bound to the caller
 * (`cursor.ts`) and may only resume at exactly `{pk, sk}` of one of the caller's items of this
 * kind, so a cursor can never move a query into another partition or onto another kind of item.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../runtime/aws.js";
import { config } from "../runtime/config.js";
import { decodeCursor, encodeCursor, type CursorKey } from "./cursor.js";
import { isId, userPk } from "./keys.js";

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** One page of any list: `nextCursor` is present exactly when more items may follow. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Raw table items of one page; `nextCursor` resumes after the last of them. */
export type ItemPage = Page<Record<string, unknown>>;

/**
 * The page of a query run with `Limit: limit + 1`: its first `limit` items, and whether more follow
 * (the extra item was read, or DynamoDB stopped early at its 1 MB limit). Reading one item more is
 * what keeps a full last page from carrying a cursor to an empty one.
 */
export function firstOf<T>(
  items: T[],
  limit: number,
  lastEvaluatedKey: unknown,
): { page: T[]; more: boolean } {
  return {
    page: items.slice(0, limit),
    more: items.length > limit || lastEvaluatedKey !== undefined,
  };
}

function isOwnItemKey(sub: string, prefix: string, key: CursorKey): boolean {
  const sk = key["sk"];
  return (
    Object.keys(key).length === 2 &&
    key["pk"] === userPk(sub) &&
    sk?.startsWith(prefix) === true &&
    isId(sk.slice(prefix.length))
  );
}

/**
 * One page of the caller's items whose sort key starts with `prefix`, newest first (ids are
 * ULIDs). `nextCursor` is present exactly when more items may follow; a page can hold fewer than
 * `limit` items when DynamoDB's 1 MB page limit is hit. A bad cursor is a 400 before any query.
 */
export async function queryOwnItems(
  sub: string,
  prefix: string,
  page: PageRequest,
): Promise<ItemPage> {
  const start = decodeCursor(sub, page.cursor, (key) => isOwnItemKey(sub, prefix, key));
  const { Items = [], LastEvaluatedKey } = await dynamo().send(
    new QueryCommand({
      TableName: config.tableName(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": userPk(sub), ":prefix": prefix },
      ScanIndexForward: false,
      Limit: page.limit + 1,
      ExclusiveStartKey: start,
      ConsistentRead: true,
    }),
  );
  const { page: items, more } = firstOf(Items, page.limit, LastEvaluatedKey);
  const last: unknown = items.at(-1)?.["sk"];
  return more && typeof last === "string"
    ? { items, nextCursor: encodeCursor(sub, { pk: userPk(sub), sk: last }) }
    : { items };
}
