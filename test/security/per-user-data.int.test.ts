/**
 * Per-user data (docs/security.md, "Per-user data"), attacked over HTTP by one real
 * user (Bob) against another (Alice) on the local stack, exactly as an outside client would. Every
 * attack snapshots both users' notes, files and profile through their own API calls before and
 * after, and the snapshots must be equal.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../shared/data/cursor.js";
import type { FileMeta, FilePage, NewFile } from "../../shared/files/store.js";
import { newId, userPk } from "../../shared/data/keys.js";
import type { Me } from "../../shared/users/me.js";
import type { Note, NotePage } from "../../shared/notes/store.js";
import { postForm } from "../fixtures/s3-uploads.js";
import { expectNoLeak, expectProblem } from "../support/problems.js";
import { unchanged as bothUnchanged, everyItem, ok, snapshot } from "../support/snapshots.js";
import { callApi, createUser, type TestUser } from "../support/users.js";

let alice: TestUser;
let bob: TestUser;
let aliceNotes: Note[];
let aliceFiles: NewFile[];
let alicePending: NewFile;

/** Runs `attack` and asserts that neither user's data changed. */
const unchanged = (attack: () => Promise<void>) => bothUnchanged([alice, bob], attack);

async function createNote(user: TestUser, title: string): Promise<Note> {
  return ok<Note>(
    await callApi("/notes", {
      method: "POST",
      token: user.accessToken,
      body: { title, body: "x" },
    }),
  );
}

async function declareFile(user: TestUser, fileName: string, size: number): Promise<NewFile> {
  return ok<NewFile>(
    await callApi("/files", {
      method: "POST",
      token: user.accessToken,
      body: { fileName, contentType: "text/plain", size },
    }),
  );
}

async function uploadFile(user: TestUser, fileName: string): Promise<NewFile> {
  const bytes = randomBytes(32);
  const file = await declareFile(user, fileName, bytes.length);
  expect((await postForm(file.upload, bytes, "text/plain")).status).toBe(204);
  return file;
}

/** Alice's identifiers, which must never show up in anything Bob receives. */
const aliceSecrets = () => [
  alice.sub,
  alice.email,
  alice.accessToken,
  ...aliceNotes.map((n) => n.title),
  ...aliceFiles.map((f) => f.fileName),
];

beforeAll(async () => {
  [alice, bob] = await Promise.all([createUser(), createUser()]);
  aliceNotes = [];
  for (const title of ["alice one", "alice two", "alice three"]) {
    aliceNotes.push(await createNote(alice, title));
  }
  aliceFiles = [await uploadFile(alice, "alice-a.txt"), await uploadFile(alice, "alice-b.txt")];
  alicePending = await declareFile(alice, "alice-pending.txt", 10);
  await createNote(bob, "bob one");
  await createNote(bob, "bob two");
  await uploadFile(bob, "bob.txt");
}, 120_000);

const noteBody = { title: "taken over", body: "by bob" };

/** [label, method, kind, body, headers]: what Bob tries on an id in the path. */
const pathAttacks: [string, string, "notes" | "files", unknown, Record<string, string>][] = [
  ["GET a note", "GET", "notes", undefined, {}],
  ["PUT a note with If-Match of its version", "PUT", "notes", noteBody, { "If-Match": '"1"' }],
  ["PUT a note with a guessed If-Match", "PUT", "notes", noteBody, { "If-Match": '"7"' }],
  ["PUT a note without If-Match", "PUT", "notes", noteBody, {}],
  ["PATCH a note", "PATCH", "notes", noteBody, {}],
  ["POST to a note", "POST", "notes", noteBody, {}],
  ["DELETE a note", "DELETE", "notes", undefined, {}],
  [
    "DELETE a note with If-Match of its version",
    "DELETE",
    "notes",
    undefined,
    { "If-Match": '"1"' },
  ],
  ["GET a file", "GET", "files", undefined, {}],
  ["PUT a file", "PUT", "files", { fileName: "x", contentType: "text/plain", size: 1 }, {}],
  ["PATCH a file", "PATCH", "files", { fileName: "x" }, {}],
  ["DELETE a file", "DELETE", "files", undefined, {}],
];

describe("another user's note or file id in the path", () => {
  it.each(pathAttacks)(
    "%s of another user gets exactly the answer for an id that never existed",
    async (_, method, kind, body, headers) => {
      const foreignId = (kind === "notes" ? aliceNotes[0]?.noteId : aliceFiles[0]?.fileId) ?? "";
      const request = { method, token: bob.accessToken, body, headers };

      await unchanged(async () => {
        const foreign = await callApi(`/${kind}/${foreignId}`, request);
        const never = await callApi(`/${kind}/${newId()}`, request);

        const foreignText = await foreign.clone().text();
        expect(foreignText).toBe(await never.text());
        expect(foreign.status).toBe(never.status);
        expect(foreign.status).toBeGreaterThanOrEqual(400);
        expect(foreign.status).toBeLessThan(500);
        if (method === "GET" || method === "DELETE") expect(foreign.status).toBe(404);
        await expectProblem(foreign, foreign.status, aliceSecrets());
      });
    },
  );

  it.each([
    ["a pending upload", "files", () => alicePending.fileId],
    ["a note id used as a file id", "files", () => aliceNotes[1]?.noteId ?? ""],
    ["a file id used as a note id", "notes", () => aliceFiles[1]?.fileId ?? ""],
  ])("%s of another user is the same 404 for GET and DELETE", async (_, kind, id) => {
    await unchanged(async () => {
      for (const method of ["GET", "DELETE"]) {
        const foreign = await callApi(`/${kind}/${id()}`, { method, token: bob.accessToken });
        const never = await callApi(`/${kind}/${newId()}`, { method, token: bob.accessToken });

        expect(await foreign.clone().text()).toBe(await never.text());
        await expectProblem(foreign, 404, aliceSecrets());
      }
    });
  });

  it("leaves the owner's note and file fully usable afterwards", async () => {
    const note = aliceNotes[0] as Note;
    const file = aliceFiles[0] as NewFile;

    const readNote = await ok<Note>(
      await callApi(`/notes/${note.noteId}`, { token: alice.accessToken }),
    );
    const readFile = await callApi(`/files/${file.fileId}`, { token: alice.accessToken });

    expect(readNote).toEqual(note);
    expect(readFile.status).toBe(200);
  });
});

describe("a user id, pk, sub or owner in a body, query or header", () => {
  const smuggledQueries = () => [
    `sub=${alice.sub}`,
    `owner=${alice.sub}`,
    `pk=${encodeURIComponent(userPk(alice.sub))}`,
    `userId=${alice.sub}&username=${encodeURIComponent(alice.email)}`,
  ];
  const smuggledHeaders = (): Record<string, string>[] => [
    { "X-User-Id": alice.sub },
    { "X-Amz-Cognito-Sub": alice.sub, "X-Amzn-Oidc-Identity": alice.sub },
    { "X-Forwarded-User": alice.email, "X-Remote-User": alice.sub },
    {
      "X-Apigateway-Event": encodeURIComponent(
        JSON.stringify({ requestContext: { authorizer: { claims: { sub: alice.sub } } } }),
      ),
      "X-Amzn-Requestcontext": JSON.stringify({ authorizer: { sub: alice.sub } }),
    },
  ];

  it("never lists another user's notes or files, whatever the query says", async () => {
    const own = {
      notes: await everyItem<Note>(bob, "/notes"),
      files: await everyItem<FileMeta>(bob, "/files"),
    };

    await unchanged(async () => {
      for (const query of smuggledQueries()) {
        for (const kind of ["notes", "files"] as const) {
          const page = await ok<NotePage | FilePage>(
            await callApi(`/${kind}?${query}`, { token: bob.accessToken }),
          );
          expect(page.items).toEqual(own[kind]);
          expectNoLeak(JSON.stringify(page), aliceSecrets());
        }
      }
    });
  });

  it("never answers as another user from /me, whatever the headers say", async () => {
    await unchanged(async () => {
      for (const headers of smuggledHeaders()) {
        const me = await ok<Me>(
          await callApi(`/me?sub=${alice.sub}`, { token: bob.accessToken, headers }),
        );
        expect(me.sub).toBe(bob.sub);
        expect(me.email).toBe(bob.email);
      }
    });
  });

  it("never reads another user's note or file, whatever the headers and query say", async () => {
    await unchanged(async () => {
      for (const headers of smuggledHeaders()) {
        for (const path of [
          `/notes/${aliceNotes[0]?.noteId ?? ""}?sub=${alice.sub}`,
          `/files/${aliceFiles[0]?.fileId ?? ""}?owner=${alice.sub}`,
        ]) {
          await expectProblem(
            await callApi(path, { token: bob.accessToken, headers }),
            404,
            aliceSecrets(),
          );
        }
      }
    });
  });

  it.each([
    ["sub", () => alice.sub],
    ["owner", () => alice.sub],
    ["pk", () => userPk(alice.sub)],
    ["userId", () => alice.sub],
  ])("refuses %s in a note body (400), writing nothing", async (field, value) => {
    await unchanged(async () => {
      const response = await callApi("/notes", {
        method: "POST",
        token: bob.accessToken,
        body: { title: "mine?", [field]: value() },
        headers: { "X-User-Id": alice.sub },
      });

      const problem = await expectProblem(response, 400, aliceSecrets());
      expect(problem.detail).toBe(`${field}: is not an allowed field`);
    });
  });

  it("writes a note into the caller's own partition even with another user's id in headers and query", async () => {
    const aliceBefore = await snapshot(alice);

    const created = await ok<Note>(
      await callApi(`/notes?sub=${alice.sub}&owner=${alice.sub}`, {
        method: "POST",
        token: bob.accessToken,
        body: { title: "bob's own" },
        headers: { "X-User-Id": alice.sub, "X-Amz-Cognito-Sub": alice.sub },
      }),
    );

    const own = await callApi(`/notes/${created.noteId}`, { token: bob.accessToken });
    const theirs = await callApi(`/notes/${created.noteId}`, { token: alice.accessToken });
    expect(own.status).toBe(200);
    await expectProblem(theirs, 404);
    expect(await snapshot(alice)).toEqual(aliceBefore);
    const deleted = await callApi(`/notes/${created.noteId}`, {
      method: "DELETE",
      token: bob.accessToken,
    });
    expect(deleted.status).toBe(204);
  });

  it("keys an upload under the caller's prefix even with another user's id in headers and query", async () => {
    const aliceBefore = await snapshot(alice);

    const file = await ok<NewFile>(
      await callApi(`/files?sub=${alice.sub}`, {
        method: "POST",
        token: bob.accessToken,
        body: { fileName: `users/${alice.sub}/x`, contentType: "text/plain", size: 3 },
        headers: { "X-User-Id": alice.sub, "X-Amz-Cognito-Sub": alice.sub },
      }),
    );

    expect(file.upload.fields["key"]).toBe(`users/${bob.sub}/${file.fileId}`);
    expect(await snapshot(alice)).toEqual(aliceBefore);
  });

  it("changes only the caller's profile even with another user's id in headers and query", async () => {
    const aliceBefore = await snapshot(alice);
    const bobBefore = await snapshot(bob);

    const me = await ok<Me>(
      await callApi(`/me?sub=${alice.sub}`, {
        method: "PATCH",
        token: bob.accessToken,
        body: { displayName: "Bob the Builder" },
        headers: { "X-User-Id": alice.sub },
      }),
    );

    expect(me.sub).toBe(bob.sub);
    expect(await snapshot(alice)).toEqual(aliceBefore);
    const restored = await callApi("/me", {
      method: "PATCH",
      token: bob.accessToken,
      body: { displayName: bobBefore.me.profile.displayName },
    });
    expect(restored.status).toBe(200);
  });
});

describe("pagination cursors", () => {
  async function cursorOf(user: TestUser, kind: "notes" | "files"): Promise<string> {
    const page = await ok<NotePage | FilePage>(
      await callApi(`/${kind}?limit=1`, { token: user.accessToken }),
    );
    expect(page.nextCursor).toEqual(expect.any(String));
    return page.nextCursor ?? "";
  }

  const flip = (text: string, at: number) => {
    const i = at < 0 ? text.length + at : at;
    const swapped = text[i] === "A" ? "B" : "A";
    return text.slice(0, i) + swapped + text.slice(i + 1);
  };

  const payloadOf = (cursor: string) =>
    JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as {
      k: Record<string, string>;
      d: string;
    };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

  /** [label, cursor Bob sends]: edited, forged or foreign cursors. */
  const badCursors = (aliceCursor: string, bobCursor: string): [string, string][] => {
    const bobPayload = payloadOf(bobCursor);
    const aliceKey = payloadOf(aliceCursor).k;
    return [
      ["another user's cursor", aliceCursor],
      ["the caller's cursor with its first character changed", flip(bobCursor, 0)],
      ["the caller's cursor with a middle character changed", flip(bobCursor, 20)],
      ["the caller's cursor with its last character changed", flip(bobCursor, -1)],
      ["the caller's cursor with a character appended", `${bobCursor}A`],
      ["the caller's cursor cut short", bobCursor.slice(0, -4)],
      [
        "the caller's cursor with another sort key in its payload",
        encode({ ...bobPayload, k: { ...bobPayload.k, sk: `NOTE#${newId()}` } }),
      ],
      [
        "the caller's cursor moved into another user's partition",
        encode({ ...bobPayload, k: { ...bobPayload.k, pk: userPk(alice.sub) } }),
      ],
      [
        "a cursor forged with a correct digest for another user's partition",
        encodeCursor(bob.sub, aliceKey),
      ],
      [
        "a cursor forged with a correct digest for the profile item",
        encodeCursor(bob.sub, { pk: userPk(bob.sub), sk: "PROFILE" }),
      ],
      ["random text", "hello-world"],
      ["base64 of null", encode(null)],
      ["base64 of a list", encode([aliceKey])],
      ["base64 of a key without digest", encode({ k: aliceKey })],
      ["a key with a number in it", encode({ k: { pk: 1, sk: 2 }, d: bobPayload.d })],
      ["characters outside base64url", "abc%2Bdef%2F%3D%3D"],
      ["a NUL", "%00"],
      ["an empty cursor", ""],
      ["a very long cursor", "A".repeat(5000)],
    ];
  };

  it("refuses every edited, forged or foreign cursor with 400 and shows no one's items", async () => {
    const aliceCursor = await cursorOf(alice, "notes");
    const bobCursor = await cursorOf(bob, "notes");

    await unchanged(async () => {
      for (const [label, cursor] of badCursors(aliceCursor, bobCursor)) {
        const response = await callApi(`/notes?limit=1&cursor=${cursor}`, {
          token: bob.accessToken,
        });
        const problem = await expectProblem(response, 400, aliceSecrets());
        expect(problem.detail, label).toBe("cursor: is not a valid cursor for this list");
      }
    });
  }, 60_000);

  it("refuses another user's file cursor and the caller's own cursor of the other list", async () => {
    const aliceFileCursor = await cursorOf(alice, "files");
    const aliceNoteCursor = await cursorOf(alice, "notes");

    await unchanged(async () => {
      const attempts = [
        callApi(`/files?cursor=${aliceFileCursor}`, { token: bob.accessToken }),
        callApi(`/notes?cursor=${aliceFileCursor}`, { token: alice.accessToken }),
        callApi(`/files?cursor=${aliceNoteCursor}`, { token: alice.accessToken }),
      ];
      for (const response of await Promise.all(attempts)) {
        await expectProblem(response, 400);
      }
    });
  });

  it("still follows the caller's own unedited cursor to the end", async () => {
    const first = await ok<NotePage>(await callApi("/notes?limit=1", { token: alice.accessToken }));
    const rest = await ok<NotePage>(
      await callApi(`/notes?limit=100&cursor=${first.nextCursor ?? ""}`, {
        token: alice.accessToken,
      }),
    );

    const seen = [...first.items, ...rest.items].map((n) => n.noteId).sort();
    expect(seen).toEqual(aliceNotes.map((n) => n.noteId).sort());
    expect(rest.nextCursor).toBeUndefined();
  });
});

describe("mass assignment", () => {
  const serverOwned: [string, unknown][] = [
    ["version", 99],
    ["createdAt", "2000-01-01T00:00:00.000Z"],
    ["updatedAt", "2000-01-01T00:00:00.000Z"],
    ["noteId", "01ARZ3NDEKTSV4RRFFQ69G5FAV"],
    ["pk", "USER#someone"],
    ["sk", "PROFILE"],
    ["role", "admin"],
    ["sub", "someone"],
    ["owner", "someone"],
  ];
  /** Raw JSON bodies: `JSON.stringify` would drop `__proto__`, a client need not. */
  const prototypeKeys = [
    ["__proto__", '"__proto__":{"version":99,"role":"admin"}'],
    ["constructor", '"constructor":{"prototype":{"role":"admin"}}'],
  ];

  it.each(serverOwned)(
    "POST /notes with %s is a 400 naming it, creating nothing",
    async (field, value) => {
      await unchanged(async () => {
        const response = await callApi("/notes", {
          method: "POST",
          token: alice.accessToken,
          body: { title: "sneaky", [field]: value },
        });

        const problem = await expectProblem(response, 400);
        expect(problem.detail).toBe(`${field}: is not an allowed field`);
      });
    },
  );

  it.each(serverOwned)(
    "PUT /notes/{id} with %s is a 400, changing nothing",
    async (field, value) => {
      const note = aliceNotes[2] as Note;

      await unchanged(async () => {
        const response = await callApi(`/notes/${note.noteId}`, {
          method: "PUT",
          token: alice.accessToken,
          body: { title: "sneaky", body: "", [field]: value },
          headers: { "If-Match": `"${note.version}"` },
        });

        await expectProblem(response, 400);
      });
    },
  );

  it.each([
    ["plan", "enterprise"],
    ["status", "active"],
    ["role", "admin"],
    ["groups", ["admins"]],
    ["sub", "someone"],
    ["email", "boss@example.com"],
    ["loginCount", 0],
    ["createdAt", "2000-01-01T00:00:00.000Z"],
    ["pk", "USER#someone"],
  ])("PATCH /me with %s is a 400, changing nothing", async (field, value) => {
    await unchanged(async () => {
      const response = await callApi("/me", {
        method: "PATCH",
        token: alice.accessToken,
        body: { displayName: "Queen", [field]: value },
      });

      const problem = await expectProblem(response, 400);
      expect(problem.detail).toBe(`${field}: is not an allowed field`);
    });
  });

  it.each(prototypeKeys)(
    "%s in POST /notes, PUT /notes/{id}, PATCH /me and POST /files is a 400",
    async (key, member) => {
      const note = aliceNotes[2] as Note;
      const requests: [string, string, string, Record<string, string>][] = [
        ["POST", "/notes", `{"title":"t",${member}}`, {}],
        [
          "PUT",
          `/notes/${note.noteId}`,
          `{"title":"t","body":"",${member}}`,
          { "If-Match": '"1"' },
        ],
        ["PATCH", "/me", `{"displayName":"Queen",${member}}`, {}],
        ["POST", "/files", `{"fileName":"a","contentType":"text/plain","size":1,${member}}`, {}],
      ];

      await unchanged(async () => {
        for (const [method, path, body, headers] of requests) {
          const response = await callApi(path, {
            method,
            token: alice.accessToken,
            body,
            headers: { "Content-Type": "application/json", ...headers },
          });
          const problem = await expectProblem(response, 400);
          expect(problem.detail).toBe(`${key}: is not an allowed field`);
        }
      });
    },
  );

  it.each([
    ["key", `users/someone/x`],
    ["fileId", "01ARZ3NDEKTSV4RRFFQ69G5FAV"],
    ["status", "available"],
    ["bucket", "elsewhere"],
    ["owner", "someone"],
  ])("POST /files with %s is a 400, storing nothing", async (field, value) => {
    await unchanged(async () => {
      const response = await callApi("/files", {
        method: "POST",
        token: alice.accessToken,
        body: { fileName: "a.txt", contentType: "text/plain", size: 1, [field]: value },
      });

      const problem = await expectProblem(response, 400);
      expect(problem.detail).toBe(`${field}: is not an allowed field`);
    });
  });
});

describe("concurrent updates with the same If-Match", () => {
  const put = (user: TestUser, noteId: string, title: string, version: number) =>
    callApi(`/notes/${noteId}`, {
      method: "PUT",
      token: user.accessToken,
      body: { title, body: title },
      headers: { "If-Match": `"${version}"` },
    });

  it("lets exactly one of 10 parallel PUTs win, twice in a row, and loses no update", async () => {
    const note = await createNote(alice, "contested");
    const bobBefore = await snapshot(bob);

    for (const version of [1, 2]) {
      const titles = Array.from({ length: 10 }, (_, i) => `round ${version} writer ${i}`);
      const responses = await Promise.all(
        titles.map((title) => put(alice, note.noteId, title, version)),
      );

      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array<number>(9).fill(412)]);
      const winner = responses.find((r) => r.status === 200) as Response;
      const won = (await winner.json()) as Note;
      for (const loser of responses.filter((r) => r.status === 412)) {
        await expectProblem(loser, 412);
      }
      const stored = await ok<Note>(
        await callApi(`/notes/${note.noteId}`, { token: alice.accessToken }),
      );
      expect(winner.headers.get("etag")).toBe(`"${version + 1}"`);
      expect(stored).toEqual(won);
      expect(stored.version).toBe(version + 1);
      expect(titles).toContain(stored.title);
      expect(stored.body).toBe(stored.title);
    }
    expect(await snapshot(bob)).toEqual(bobBefore);
  }, 90_000);

  it("lets exactly one of 10 parallel DELETEs with the current If-Match succeed", async () => {
    const note = await createNote(alice, "doomed");
    const bobBefore = await snapshot(bob);

    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        callApi(`/notes/${note.noteId}`, {
          method: "DELETE",
          token: alice.accessToken,
          headers: { "If-Match": '"1"' },
        }),
      ),
    );

    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    for (const response of responses.filter((r) => r.status !== 204)) {
      await expectProblem(response, 404);
    }
    await expectProblem(await callApi(`/notes/${note.noteId}`, { token: alice.accessToken }), 404);
    expect(await snapshot(bob)).toEqual(bobBefore);
  }, 90_000);

  it("refuses another user's parallel PUTs with the note's If-Match and keeps the owner's note", async () => {
    const note = aliceNotes[1] as Note;

    await unchanged(async () => {
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => put(bob, note.noteId, `bob ${i}`, note.version)),
      );

      for (const response of responses) await expectProblem(response, 404, aliceSecrets());
    });
  }, 90_000);
});
