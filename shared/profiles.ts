/**
 * User profiles: created once by PostConfirmation, read by `/me`, PreAuthentication and
 * PreTokenGeneration, touched by PostAuthentication, and disabled/enabled by admins.
 */
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { dynamo } from "./aws.js";
import { config } from "./config.js";
import { PROFILE_SK, PROFILES_GSI_PK, userPk } from "./keys.js";

export type ProfileStatus = "active" | "disabled";

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

function toProfile(item: Record<string, unknown>): Profile {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...rest } = item as unknown as ProfileItem;
  return rest;
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
    plan: "free",
    status: "active",
    createdAt,
    lastLoginAt: null,
    loginCount: 0,
  };
  try {
    await dynamo().send(
      new PutCommand({
        TableName: config.tableName(),
        Item: item,
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Sets the display name of an existing profile; undefined when there is no profile. */
export async function updateDisplayName(sub: string, displayName: string) {
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: config.tableName(),
        Key: { pk: userPk(sub), sk: PROFILE_SK },
        UpdateExpression: "SET displayName = :name",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":name": displayName },
        ReturnValues: "ALL_NEW",
      }),
    );
    return Attributes ? toProfile(Attributes) : undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
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

/** Sets the profile status; false when the user has no profile. */
export async function setStatus(sub: string, status: ProfileStatus): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: config.tableName(),
        Key: { pk: userPk(sub), sk: PROFILE_SK },
        UpdateExpression: "SET #status = :status",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":status": status },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
