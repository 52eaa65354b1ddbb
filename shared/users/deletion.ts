/**
 * Account deletion (`DELETE /me`): the Cognito user and every item and object of one `sub`.
 *
 * The steps run in an order a retry completes, each idempotent:
 *
 * 1. The profile becomes a tombstone (`status: deleting`, moved from the `PROFILES` index to
 *    `DELETING`): PreTokenGeneration issues no token to it from then on, and the admin list no
 *    longer shows it.
 * 2. Every object under the user's prefixes (shared/files/prefixes.ts), then every other item of the
 *    user's partition (notes, file metadata), then the legacy store's record of their address (so
 *    the account cannot come back by migrating again).
 * 3. The Cognito user.
 * 4. The tombstone itself, last.
 *
 * A failure part-way leaves the tombstone, so the user's retry (their access token stays valid
 * until it expires) starts again at step 1 and finishes; a repeat after success finds nothing to
 * do and succeeds too.
 */
import { DeleteObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo, s3 } from "../runtime/aws.js";
import { config } from "../runtime/config.js";
import { PROFILE_SK, userPk } from "../data/keys.js";
import { userObjectPrefixes } from "../files/prefixes.js";
import { deleteLegacyUser } from "../cognito/legacy-users.js";
import { deletePoolUser } from "./accounts.js";

/** The index partition of profiles being deleted (instead of `PROFILES`). */
export const DELETING_GSI_PK = "DELETING";

/** At most this many deletes in flight at once. */
const BATCH = 25;

async function inBatches<T>(items: T[], each: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) {
    await Promise.all(items.slice(i, i + BATCH).map(each));
  }
}

/** Step 1: the profile becomes a tombstone; returns its email, undefined when there is none. */
async function markDeleting(sub: string, now: Date): Promise<string | undefined> {
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: config.tableName(),
        Key: { pk: userPk(sub), sk: PROFILE_SK },
        UpdateExpression:
          "SET #status = :deleting, gsi1pk = :index, deletingAt = if_not_exists(deletingAt, :now)",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":deleting": "deleting",
          ":index": DELETING_GSI_PK,
          ":now": now.toISOString(),
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    const email: unknown = Attributes?.["email"];
    return typeof email === "string" ? email : undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

async function deleteObjects(prefix: string): Promise<void> {
  let ContinuationToken: string | undefined;
  do {
    const page = await s3().send(
      new ListObjectsV2Command({ Bucket: config.bucketName(), Prefix: prefix, ContinuationToken }),
    );
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
    await inBatches(keys, (Key) =>
      s3().send(new DeleteObjectCommand({ Bucket: config.bucketName(), Key })),
    );
    ContinuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
}

/** Every item of the user's partition but the profile (the tombstone goes last). */
async function deleteItems(sub: string): Promise<void> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: config.tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": userPk(sub) },
        ProjectionExpression: "pk, sk",
        ExclusiveStartKey,
      }),
    );
    const sortKeys = (page.Items ?? []).flatMap((item) => {
      const sk: unknown = item["sk"];
      return typeof sk === "string" && sk !== PROFILE_SK ? [sk] : [];
    });
    await inBatches(sortKeys, (sk) =>
      dynamo().send(
        new DeleteCommand({ TableName: config.tableName(), Key: { pk: userPk(sub), sk } }),
      ),
    );
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

async function deleteProfile(sub: string): Promise<void> {
  await dynamo().send(
    new DeleteCommand({ TableName: config.tableName(), Key: { pk: userPk(sub), sk: PROFILE_SK } }),
  );
}

/**
 * Deletes the account of `sub` (see the module comment for the order). `email` is the address the
 * caller's token names, used for the legacy record when the profile is already gone.
 */
export async function deleteAccount(sub: string, email?: string, now = new Date()): Promise<void> {
  const address = (await markDeleting(sub, now)) ?? email;
  for (const prefix of userObjectPrefixes(sub)) await deleteObjects(prefix);
  await deleteItems(sub);
  if (address !== undefined) await deleteLegacyUser(address);
  await deletePoolUser(sub);
  await deleteProfile(sub);
}
