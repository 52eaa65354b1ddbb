/**
 * What each DynamoDB call of this test file consumes, per table and per index: a middleware on the
 * shared client (`shared/runtime/aws.ts`) asks every call for `ReturnConsumedCapacity: INDEXES`
 * and records the answer. DynamoDB Local reports it as DynamoDB does, index by index, and only for
 * the indexes a write actually changes.
 */
import type { ConsumedCapacity } from "@aws-sdk/client-dynamodb";
import { dynamo } from "../../shared/runtime/aws.js";

export interface CapacityRecord {
  /** `UpdateItemCommand`, `QueryCommand`… */
  command: string;
  capacity: ConsumedCapacity[];
}

const NAME = "recordConsumedCapacity";

function consumedOf(output: unknown): ConsumedCapacity[] {
  if (typeof output !== "object" || output === null || !("ConsumedCapacity" in output)) return [];
  const consumed: unknown = output.ConsumedCapacity;
  const list: unknown[] = Array.isArray(consumed) ? consumed : [consumed];
  return list.filter((c): c is ConsumedCapacity => typeof c === "object" && c !== null);
}

/**
 * Starts recording (call it after `useLocalData()`: it builds the shared client); `take()` returns
 * what was consumed since the last `take()`, `stop()` removes the middleware.
 */
export function recordConsumedCapacity(): { take(): CapacityRecord[]; stop(): void } {
  let records: CapacityRecord[] = [];
  const { middlewareStack } = dynamo();
  middlewareStack.add(
    (next, context) => async (args) => {
      const input: unknown = args.input;
      if (typeof input === "object" && input !== null) {
        Object.assign(input, { ReturnConsumedCapacity: "INDEXES" });
      }
      const result = await next(args);
      records.push({
        command: context.commandName ?? "unknown",
        capacity: consumedOf(result.output),
      });
      return result;
    },
    { step: "initialize", name: NAME, override: true },
  );
  return {
    stop() {
      middlewareStack.remove(NAME);
    },
    take() {
      const taken = records;
      records = [];
      return taken;
    },
  };
}

/** Write units a record consumed on each index (`{ gsi1: 1 }`), none when no index was written. */
export function indexUnits(records: CapacityRecord[]): Record<string, number> {
  const units: Record<string, number> = {};
  for (const { capacity } of records) {
    for (const consumed of capacity) {
      for (const [name, index] of Object.entries(consumed.GlobalSecondaryIndexes ?? {})) {
        units[name] = (units[name] ?? 0) + (index.CapacityUnits ?? 0);
      }
    }
  }
  return units;
}

/** Units consumed on the table itself (not its indexes), over all records. */
export function tableUnits(records: CapacityRecord[]): number {
  return records
    .flatMap(({ capacity }) => capacity)
    .reduce((sum, consumed) => sum + (consumed.Table?.CapacityUnits ?? 0), 0);
}
