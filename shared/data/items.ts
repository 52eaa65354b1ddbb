/**
 * Reading stored items back into typed values. DynamoDB returns `Record<string, unknown>`; a field
 * that is missing or of another type means corruption or a bug, so it throws (the route answers
 * a logged 500) instead of passing an ill-typed value on as if it were valid. Errors name the
 * field, never its value.
 */
export class MalformedItemError extends Error {
  override name = "MalformedItemError";
}

/** Typed readers over one stored item of `kind` (`note`, `file`, `profile`). */
export function fieldsOf(item: Record<string, unknown> | undefined, kind: string) {
  const malformed = (name: string, expected: string) =>
    new MalformedItemError(`The stored ${kind} has no ${expected} ${name}.`);
  const value = (name: string): unknown => item?.[name];
  return {
    string(name: string): string {
      const field = value(name);
      if (typeof field !== "string") throw malformed(name, "string");
      return field;
    },
    /** A string, or null when absent or null. */
    nullableString(name: string): string | null {
      const field = value(name);
      if (field === undefined || field === null) return null;
      if (typeof field !== "string") throw malformed(name, "string");
      return field;
    },
    number(name: string): number {
      const field = value(name);
      if (typeof field !== "number" || !Number.isFinite(field)) throw malformed(name, "number");
      return field;
    },
    oneOf<T extends string>(name: string, allowed: readonly T[]): T {
      const field = value(name);
      const found = allowed.find((candidate) => candidate === field);
      if (found === undefined) throw malformed(name, allowed.join(" or "));
      return found;
    },
  };
}
