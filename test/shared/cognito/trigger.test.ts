import { describe, expect, it } from "vitest";
import {
  TRY_AGAIN,
  TriggerError,
  UNSUPPORTED,
  maskingLogger,
  poolUser,
  trigger,
} from "../../../shared/cognito/trigger.js";
import { ConfigError } from "../../../shared/runtime/config.js";
import { createLogger } from "../../../shared/runtime/logger.js";
import { captureLogs } from "../../support/captured-logs.js";
import { invoke } from "../../fixtures/cognito-events.js";

const stdout = captureLogs();

function recorder() {
  const lines: string[] = [];
  return { lines, log: createLogger({}, (line) => lines.push(line)) };
}

describe("maskingLogger", () => {
  it("masks the secret wherever it appears, error messages and child context included", () => {
    const { lines, log } = recorder();
    const secret = 'pa"ss\\word-42';

    const masked = maskingLogger(log, secret);
    masked.error("failed", { error: new Error(`bad input ${secret}`), nested: { note: secret } });
    masked.child({ hint: `x${secret}x` }).info("child");

    expect(lines).toHaveLength(2);
    expect(lines.join("\n")).not.toContain("word-42");
    expect(lines[0]).toContain("bad input [REDACTED]");
    expect(lines[1]).toContain('"hint":"x[REDACTED]x"');
  });

  it("leaves the logger as it is without a secret", () => {
    const { log } = recorder();

    expect(maskingLogger(log, undefined)).toBe(log);
    expect(maskingLogger(log, "")).toBe(log);
  });
});

describe("poolUser", () => {
  it("returns the sub and email of the attributes", () => {
    expect(poolUser({ sub: "s-1", email: "ada@example.com", name: "Ada" })).toEqual({
      sub: "s-1",
      email: "ada@example.com",
    });
  });

  it.each<Record<string, string>>([
    { email: "ada@example.com" },
    { sub: "s-1" },
    { sub: "", email: "" },
  ])("fails on %j as a fault, not a refusal, naming only attribute names", (attributes) => {
    let thrown: unknown;
    try {
      poolUser(attributes);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(TriggerError);
    expect(String(thrown)).not.toContain("ada@example.com");
  });
});

type Event =
  | { triggerSource: "T_One"; request: { password?: string }; response: { done?: boolean } }
  | { triggerSource: "T_Two"; request: { password?: string }; response: { done?: boolean } };

function event(triggerSource: string, password?: string): Event {
  return { triggerSource, request: { password }, response: {} } as Event;
}

const done = (e: Event) => {
  e.response.done = true;
};

/** The metric names of the EMF lines written so far. */
function metrics(): string[] {
  return stdout
    .lines()
    .filter((line) => line.startsWith('{"_aws"'))
    .flatMap((line) => Object.keys(JSON.parse(line) as object).filter((key) => key !== "_aws"));
}

describe("trigger metrics", () => {
  const counted = {
    done: (e: Event) => (e.triggerSource === "T_One" ? ("SignUp" as const) : undefined),
    refused: "SignUpRefused" as const,
  };

  it("counts `done` when the flow proceeds, only for the sources it names", async () => {
    const handler = trigger<Event>({ T_One: done, T_Two: done }, counted);

    await invoke(handler, event("T_One"));
    await invoke(handler, event("T_Two"));

    expect(metrics()).toEqual(["SignUp"]);
  });

  it("counts `refused` for a TriggerError and TriggerFailed for any other error", async () => {
    const handler = trigger<Event>(
      {
        T_One: () => {
          throw new TriggerError("Sign-up is closed.");
        },
        T_Two: () => Promise.reject(new Error("table down")),
      },
      counted,
    );

    await invoke(handler, event("T_One")).catch(() => undefined);
    await invoke(handler, event("T_Two")).catch(() => undefined);

    expect(metrics()).toEqual(["SignUpRefused", "TriggerFailed"]);
  });

  it("counts a best-effort trigger's failure as TriggerFailed, and its flow as done", async () => {
    const handler = trigger<Event>(
      {
        T_One: () => {
          throw new TriggerError("not for the user");
        },
        T_Two: done,
      },
      { ...counted, proceedOnFailure: "bookkeeping failed" },
    );

    await invoke(handler, event("T_One"));

    expect(metrics()).toEqual(["TriggerFailed", "SignUp"]);
  });
});

describe("trigger", () => {
  it("dispatches on the trigger source and returns the event", async () => {
    const handler = trigger<Event>({ T_One: done, T_Two: () => undefined });

    const result = await invoke(handler, event("T_One"));

    expect(result.response).toEqual({ done: true });
    expect(stdout.lines().join("\n")).not.toContain("trigger failed");
  });

  it("refuses a source it has no function for, with a readable message, and logs it", async () => {
    const handler = trigger<Event>({ T_One: done, T_Two: done });

    await expect(invoke(handler, event("T_Future"))).rejects.toThrow(new TriggerError(UNSUPPORTED));
    await expect(invoke(handler, event("toString"))).rejects.toThrow(UNSUPPORTED);
    expect(stdout.lines().join("\n")).toContain('"triggerSource":"T_Future"');
  });

  it("passes a TriggerError through: its message is meant for the user", async () => {
    const handler = trigger<Event>({
      T_One: () => {
        throw new TriggerError("This account is disabled.");
      },
      T_Two: done,
    });

    await expect(invoke(handler, event("T_One"))).rejects.toThrow("This account is disabled.");
  });

  it("shows the user only the failure sentence for any other error, logging it with its stack", async () => {
    const handler = trigger<Event>(
      {
        T_One: () => {
          throw new ConfigError("Missing environment variable ALLOWED_EMAIL_DOMAINS");
        },
        T_Two: () => Promise.reject(new Error("table down")),
      },
      { failure: "Please try later." },
    );

    const first = await invoke(handler, event("T_One")).catch((error: unknown) => error);
    const second = await invoke(handler, event("T_Two")).catch((error: unknown) => error);

    expect(first).toEqual(new TriggerError("Please try later."));
    expect(second).toEqual(new TriggerError("Please try later."));
    const logged = stdout.lines().join("\n");
    expect(logged).toContain("Missing environment variable ALLOWED_EMAIL_DOMAINS");
    expect(logged).toContain("table down");
    expect(logged).toContain("trigger.test.ts");
  });

  it("uses a generic sentence when the trigger names none", async () => {
    const handler = trigger<Event>({
      T_One: () => {
        throw new Error("boom");
      },
      T_Two: done,
    });

    await expect(invoke(handler, event("T_One"))).rejects.toThrow(new TriggerError(TRY_AGAIN));
  });

  it("returns the event unchanged when best-effort, whatever failed", async () => {
    const handler = trigger<Event>(
      {
        T_One: () => {
          throw new TriggerError("not for the user");
        },
        T_Two: () => Promise.reject(new Error("table down")),
      },
      { proceedOnFailure: "bookkeeping skipped" },
    );

    const results = [await invoke(handler, event("T_One")), await invoke(handler, event("T_Two"))];

    expect(results.map((result) => result.response)).toEqual([{}, {}]);
    expect(stdout.lines().filter((line) => line.includes("bookkeeping skipped"))).toHaveLength(2);
  });

  it("masks the event's secret in everything it logs", async () => {
    const secret = "Sup3r-Secret-Passw0rd";
    const handler = trigger<Event>(
      {
        T_One: (_event, log) => {
          log.info("saw", { note: `the input was ${secret}` });
          throw new Error(`bad input ${secret}`);
        },
        T_Two: done,
      },
      { secret: (e) => e.request.password },
    );

    await invoke(handler, event("T_One", secret)).catch(() => undefined);

    expect(stdout.lines().length).toBeGreaterThanOrEqual(2);
    expect(stdout.lines().join("\n")).not.toContain(secret);
  });
});
