/**
 * The few CloudFormation intrinsic functions the app client's properties use (`Fn::Split` of the
 * callback URLs, `Fn::If` on the Google sign-in condition), evaluated for the local stack, which
 * creates the client in the emulator from the template's own properties. Anything else (a `Ref`
 * on a path that is taken, an unknown function) is refused with a message naming it: the emulator
 * must never get an unresolved object where Cognito would get a value.
 */
export type Conditions = Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function onlyKey(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : undefined;
}

/** The truth of a condition built from `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or` on literals. */
export function evaluateCondition(value: unknown, conditions: Conditions): boolean {
  if (isRecord(value)) {
    const key = onlyKey(value);
    const args = key === undefined ? undefined : value[key];
    if (key === "Condition" && typeof args === "string") {
      if (!(args in conditions)) throw new Error(`Unknown condition ${args}`);
      return evaluateCondition(conditions[args], conditions);
    }
    if (Array.isArray(args)) {
      if (key === "Fn::Equals" && args.length === 2) {
        return (
          JSON.stringify(resolve(args[0], conditions)) ===
          JSON.stringify(resolve(args[1], conditions))
        );
      }
      if (key === "Fn::Not" && args.length === 1) return !evaluateCondition(args[0], conditions);
      if (key === "Fn::And") return args.every((a) => evaluateCondition(a, conditions));
      if (key === "Fn::Or") return args.some((a) => evaluateCondition(a, conditions));
    }
  }
  throw new Error(`The local stack cannot evaluate the condition ${JSON.stringify(value)}`);
}

/** `value` with every `Fn::Split` and `Fn::If` evaluated. */
export function resolve(value: unknown, conditions: Conditions): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, conditions));
  if (!isRecord(value)) return value;
  const key = onlyKey(value);
  const args = key === undefined ? undefined : value[key];
  if (key === "Fn::Split" && Array.isArray(args) && args.length === 2) {
    const [separator, text] = args.map((a) => resolve(a, conditions));
    if (typeof separator === "string" && typeof text === "string") return text.split(separator);
  }
  if (key === "Fn::If" && Array.isArray(args) && args.length === 3) {
    const [name, whenTrue, whenFalse] = args as [unknown, unknown, unknown];
    if (typeof name === "string") {
      const condition = conditions[name];
      if (condition === undefined) throw new Error(`Unknown condition ${name}`);
      return resolve(evaluateCondition(condition, conditions) ? whenTrue : whenFalse, conditions);
    }
  }
  if (key !== undefined && (key === "Ref" || key.startsWith("Fn::"))) {
    throw new Error(
      `The local stack cannot resolve ${JSON.stringify(value)} (Google sign-in and other ` +
        "resources that exist only in AWS are not emulated: leave them off for the local stage)",
    );
  }
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [name, resolve(item, conditions)]),
  );
}
