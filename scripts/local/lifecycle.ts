/**
 * What a starting stack must undo, and how it learns that a part died. Each part registers its
 * cleanup as it starts; `stop()` runs them in reverse order, once, even while `start()` is still
 * running (then the next `checkpoint()` throws and start gives up).
 */
import type { ChildProcess } from "node:child_process";
import { stopChild } from "./processes.js";

export class Lifecycle {
  private readonly cleanups: (() => unknown)[] = [];
  private stopped: Promise<void> | undefined;
  private stopping = false;
  private report: (reason: string) => void = () => undefined;
  /** Resolves with a reason when a supervised part dies while the stack is not stopping. */
  readonly crashed = new Promise<string>((done) => (this.report = done));

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Registers what undoes a part that has started. */
  onStop(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  /** Throws when `stop()` was called: start() calls this between parts. */
  checkpoint(): void {
    if (this.stopping) throw new Error("stopped while starting");
  }

  /**
   * Watches a child process: it is stopped with the stack, and its unexpected end resolves
   * `crashed`. Returns why it ended (undefined while it runs), for readiness checks.
   */
  supervise(child: ChildProcess, name: string, hint = ""): () => string | undefined {
    let ended: string | undefined;
    const end = (reason: string) => {
      ended ??= reason;
      if (!this.stopping) this.report(ended);
    };
    child.once("exit", (code, signal) => end(`${name} exited (${signal ?? code ?? "?"})${hint}`));
    child.once("error", (error) => end(`${name} could not start: ${error.message}${hint}`));
    this.onStop(() => stopChild(child));
    return () => (this.stopping ? "stopped" : ended);
  }

  /** Runs every cleanup, newest first; a failing cleanup does not keep the others from running. */
  stop(): Promise<void> {
    this.stopping = true;
    this.stopped ??= (async () => {
      while (this.cleanups.length > 0) {
        try {
          await this.cleanups.pop()?.();
        } catch {
          /* keep stopping the rest */
        }
      }
    })();
    return this.stopped;
  }
}
