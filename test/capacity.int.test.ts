/**
 * What each route and trigger costs in DynamoDB capacity units, measured on DynamoDB Local with
 * `ReturnConsumedCapacity: INDEXES` (it accounts as DynamoDB does: reads per 4 KB, halved when
 * eventually consistent; writes per 1 KB; each index written counted apart). The figures hold for
 * the small items of a typical call (a note of a few hundred bytes); docs/capacity.md turns them
 * into cost per request. A change that makes a call read or write more fails here first.
 */
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyResult } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as createFile } from "../functions/create-file.js";
import { handler as createNote } from "../functions/create-note.js";
import { handler as deleteNote } from "../functions/delete-note.js";
import { handler as getMe } from "../functions/get-me.js";
import { handler as getNote } from "../functions/get-note.js";
import { handler as listFiles } from "../functions/list-files.js";
import { handler as listNotes } from "../functions/list-notes.js";
import { handler as listUsers } from "../functions/list-users.js";
import { handler as updateMe } from "../functions/update-me.js";
import { handler as updateNote } from "../functions/update-note.js";
import { handler as postAuthentication } from "../triggers/post-authentication.js";
import { handler as postConfirmation } from "../triggers/post-confirmation.js";
import { handler as preAuthentication } from "../triggers/pre-authentication.js";
import { handler as preTokenGeneration } from "../triggers/pre-token-generation.js";
import { apiEvent, bodyOf, lambdaContext, type ApiEventOptions } from "./fixtures/api-events.js";
import {
  invoke,
  postAuthenticationEvents,
  postConfirmationEvents,
  preAuthenticationEvents,
  preTokenGenerationEvents,
} from "./fixtures/cognito-events.js";
import { captureLogs } from "./support/captured-logs.js";
import { recordConsumedCapacity, type CapacityRecord } from "./support/consumed-capacity.js";
import { useLocalFiles } from "./support/local-files.js";

let capacity: { take(): CapacityRecord[]; stop(): void };
beforeAll(() => {
  useLocalFiles();
  capacity = recordConsumedCapacity();
});
afterAll(() => {
  capacity.stop();
});
captureLogs();

const READS = /^(Get|BatchGet|Query|Scan)/;

/** Read and write units of what `act` did, table and indexes together, and its DynamoDB calls. */
async function units(act: () => Promise<unknown>) {
  capacity.take();
  await act();
  const records = capacity.take();
  const sum = (reads: boolean) =>
    records
      .filter(({ command }) => READS.test(command) === reads)
      .flatMap(({ capacity: consumed }) => consumed)
      .reduce((total, consumed) => total + (consumed.CapacityUnits ?? 0), 0);
  return { read: sum(true), write: sum(false), calls: records.map(({ command }) => command) };
}

const call =
  (
    handler: (
      event: ReturnType<typeof apiEvent>,
      context: ReturnType<typeof lambdaContext>,
    ) => Promise<APIGatewayProxyResult>,
    options: ApiEventOptions,
    status: number,
  ) =>
  async () => {
    const response = await handler(apiEvent(options), lambdaContext());
    expect(response.statusCode, response.body).toBe(status);
    return response;
  };

describe("DynamoDB capacity per call (DynamoDB Local)", () => {
  it("measures every user route, admin route and trigger that touches the table", async () => {
    const sub = randomUUID();
    const admin = randomUUID();
    const note = { title: "A note", body: "x".repeat(300) };
    const measured: Record<string, { read: number; write: number }> = {};
    const keep = async (name: string, act: () => Promise<unknown>) => {
      const { read, write } = await units(act);
      measured[name] = { read, write };
    };

    await keep("PostConfirmation", () =>
      invoke(postConfirmation, postConfirmationEvents.PostConfirmation_ConfirmSignUp({ sub })),
    );
    await keep("PreAuthentication", () =>
      invoke(preAuthentication, preAuthenticationEvents.PreAuthentication_Authentication({ sub })),
    );
    await keep("PostAuthentication", () =>
      invoke(
        postAuthentication,
        postAuthenticationEvents.PostAuthentication_Authentication({ sub }),
      ),
    );
    await keep("PreTokenGeneration", () =>
      invoke(preTokenGeneration, preTokenGenerationEvents.TokenGeneration_Authentication({ sub })),
    );
    await keep("GET /me", call(getMe, { method: "GET", resource: "/me", sub }, 200));
    await keep(
      "PATCH /me",
      call(updateMe, { method: "PATCH", resource: "/me", sub, body: { displayName: "Ada" } }, 200),
    );
    let noteId = "";
    await keep("POST /notes", async () => {
      const response = await call(
        createNote,
        { method: "POST", resource: "/notes", sub, body: note },
        201,
      )();
      noteId = bodyOf<{ noteId: string }>(response).noteId;
    });
    const route = "/notes/{noteId}";
    await keep("GET /notes", call(listNotes, { method: "GET", resource: "/notes", sub }, 200));
    await keep(
      "GET /notes/{id}",
      call(getNote, { method: "GET", resource: route, sub, pathParameters: { noteId } }, 200),
    );
    await keep(
      "PUT /notes/{id}",
      call(
        updateNote,
        {
          method: "PUT",
          resource: route,
          sub,
          pathParameters: { noteId },
          body: note,
          headers: { "If-Match": '"1"' },
        },
        200,
      ),
    );
    await keep(
      "DELETE /notes/{id}",
      call(
        deleteNote,
        {
          method: "DELETE",
          resource: route,
          sub,
          pathParameters: { noteId },
          headers: { "If-Match": '"2"' },
        },
        204,
      ),
    );
    const asAdmin = { sub: admin, groups: ["admins"], authorizer: "lambda" as const };
    let listed = 0;
    await keep("GET /admin/users", async () => {
      const response = await call(
        listUsers,
        { ...asAdmin, method: "GET", resource: "/admin/users", query: { limit: "20" } },
        200,
      )();
      listed = bodyOf<{ items: unknown[] }>(response).items.length;
    });
    await keep(
      "POST /files",
      call(
        createFile,
        {
          method: "POST",
          resource: "/files",
          sub,
          body: { fileName: "report.pdf", contentType: "application/pdf", size: 1000 },
        },
        201,
      ),
    );
    await keep("GET /files", call(listFiles, { method: "GET", resource: "/files", sub }, 200));

    // Items under 1 KB (writes) and 4 KB (reads). Reads of notes, files and lists of the caller's
    // own items are strongly consistent (1 unit); profile reads eventually consistent (0.5).
    const { "GET /admin/users": adminList, ...rest } = measured;
    expect(rest).toEqual({
      PostConfirmation: { read: 0, write: 2 }, // the profile, and its PROFILES index entry
      PreAuthentication: { read: 0.5, write: 0 },
      PostAuthentication: { read: 0.5, write: 1 }, // no index: see docs/architecture.md
      PreTokenGeneration: { read: 0.5, write: 0 },
      "GET /me": { read: 0.5, write: 0 },
      "PATCH /me": { read: 0, write: 1 },
      "POST /notes": { read: 0, write: 1 },
      "GET /notes": { read: 1, write: 0 },
      "GET /notes/{id}": { read: 1, write: 0 },
      "PUT /notes/{id}": { read: 0, write: 1 },
      "DELETE /notes/{id}": { read: 0, write: 1 },
      "POST /files": { read: 0, write: 1 },
      "GET /files": { read: 1, write: 0 },
    });
    // One index query for the page's keys, then each profile by key (eventually consistent).
    expect(listed).toBeGreaterThan(0);
    expect(adminList).toEqual({ read: 0.5 + 0.5 * listed, write: 0 });
  });
});
