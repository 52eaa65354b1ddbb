import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { Lifecycle } from "../../../scripts/local/lifecycle.js";

describe("Lifecycle", () => {
  it("runs cleanups newest first, once, and keeps going past a failing one", async () => {
    const life = new Lifecycle();
    const ran: string[] = [];
    life.onStop(() => ran.push("first"));
    life.onStop(() => {
      ran.push("second");
      throw new Error("cleanup failed");
    });
    life.onStop(() => ran.push("third"));

    await Promise.all([life.stop(), life.stop()]);

    expect(ran).toEqual(["third", "second", "first"]);
    expect(() => life.checkpoint()).toThrow("stopped while starting");
  });

  it("reports a supervised child's unexpected end as a crash, with its name", async () => {
    const life = new Lifecycle();
    const child = spawn(process.execPath, ["-e", "process.exit(3)"], { detached: true });

    const ended = life.supervise(child, "the child");
    const reason = await life.crashed;

    expect(reason).toBe("the child exited (3)");
    expect(ended()).toBe("the child exited (3)");
    await life.stop();
  });
});
