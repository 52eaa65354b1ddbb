/**
 * The one place a failed DynamoDB condition is caught. A conditional write whose condition does
 * not hold ("the profile exists already", "the version changed") is an expected answer, not an
 * error: it comes back as `{ ok: false }`, with `existed` telling whether an item was there (when
 * the write asked for it with `ReturnValuesOnConditionCheckFailure: "ALL_OLD"`). Any other failure
 * still throws.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";

export type ConditionalWrite<T> = { ok: true; output: T } | { ok: false; existed: boolean };

export async function conditionalWrite<T>(write: Promise<T>): Promise<ConditionalWrite<T>> {
  try {
    return { ok: true, output: await write };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      return { ok: false, existed: error.Item !== undefined };
    }
    throw error;
  }
}
