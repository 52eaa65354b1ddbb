/**
 * docs/security.md "Input shape and size", sent over HTTP to the local stack as an outside client would:
 * broken JSON, wrong content types, empty, deep and huge bodies, bad `limit`s, invalid UTF-16,
 * control characters, hostile ids and file names, and the limits a presigned upload must carry.
 * Every refusal is a clean 4xx problem document, and neither user's data changes.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../shared/http/api.js";
import type { FileDownload, NewFile } from "../../shared/files/store.js";
import { newId } from "../../shared/data/keys.js";
import type { Note } from "../../shared/notes/store.js";
import { exactCondition, policyOf, postForm } from "../fixtures/s3-uploads.js";
import { expectProblem } from "../support/problems.js";
import { unchanged as usersUnchanged, everyItem, ok } from "../support/snapshots.js";
import { stack } from "../support/stack.js";
import { createUser, type TestUser } from "../support/users.js";

let alice: TestUser;
let bob: TestUser;
let note: Note;

const unchanged = (attack: () => Promise<void>) => usersUnchanged([alice, bob], attack);

/** A raw request: the body is sent byte for byte, with exactly the headers given. */
function send(
  path: string,
  init: { method?: string; body?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${stack().apiUrl}${path}`, {
    method: init.method ?? "POST",
    headers: { Authorization: `Bearer ${alice.accessToken}`, ...init.headers },
    body: init.body,
  });
}

const json = { "Content-Type": "application/json" };

/** Every route that reads a body, with the headers it needs besides the body's. */
const writeRoutes = (): [string, string, string, Record<string, string>][] => [
  ["POST /notes", "POST", "/notes", {}],
  ["PUT /notes/{noteId}", "PUT", `/notes/${note.noteId}`, { "If-Match": `"${note.version}"` }],
  ["PATCH /me", "PATCH", "/me", {}],
  ["POST /files", "POST", "/files", {}],
];

/** Sends `body` to every write route and expects the same clean problem from each. */
async function everyRouteRefuses(
  body: string | Uint8Array | undefined,
  headers: Record<string, string>,
  status: number,
  detail?: string | RegExp,
): Promise<void> {
  await unchanged(async () => {
    for (const [name, method, path, extra] of writeRoutes()) {
      const response = await send(path, { method, body, headers: { ...headers, ...extra } });
      const problem = await expectProblem(response, status, [alice.accessToken]);
      if (detail !== undefined) expect(problem.detail, name).toMatch(detail);
    }
  });
}

beforeAll(async () => {
  [alice, bob] = await Promise.all([createUser(), createUser()]);
  note = await ok<Note>(
    await send("/notes", { body: JSON.stringify({ title: "keep me", body: "x" }), headers: json }),
  );
}, 60_000);

describe("malformed JSON", () => {
  it.each([
    ["a truncated object", '{"title":'],
    ["unquoted keys", '{title:"x"}'],
    ["single quotes", "{'title':'x'}"],
    ["a trailing comma", '{"title":"x",}'],
    ["text after the object", '{"title":"x"} {"title":"y"}'],
    ["a raw NUL inside a string", '{"title":"a\u0000b"}'],
    ["a raw newline inside a string", '{"title":"a\nb"}'],
    ["NaN", '{"title":"x","size":NaN}'],
    ["a byte-order mark and garbage", "\ufeff\u0000{]"],
  ])("%s is a 400 on every route", async (_, body) => {
    await everyRouteRefuses(body, json, 400, "The request body is not valid JSON.");
  });

  it.each([
    ["null", "null"],
    ["a string", '"title"'],
    ["a number", "42"],
    ["true", "true"],
  ])("%s instead of an object is a 400 on every route", async (_, body) => {
    await everyRouteRefuses(body, json, 400);
  });

  it.each([
    ["an empty array", "[]"],
    ["an array holding a valid note", '[{"title":"x"}]'],
  ])("%s is a 400 that asks for an object, on every route", async (_, body) => {
    await everyRouteRefuses(body, json, 400, "The request body must be a JSON object.");
  });
});

describe("wrong content type", () => {
  it.each([
    ["text/plain", "text/plain;charset=UTF-8", '{"title":"x"}'],
    ["a form", "application/x-www-form-urlencoded", "title=x&body=y"],
    ["multipart", "multipart/form-data; boundary=b", '--b\r\n\r\n{"title":"x"}\r\n--b--'],
    ["XML", "application/xml", "<title>x</title>"],
    ["a JSON look-alike", "application/jsonx", '{"title":"x"}'],
    ["text/json", "text/json", '{"title":"x"}'],
  ])("%s is a 415 on every route", async (_, type, body) => {
    await everyRouteRefuses(body, { "Content-Type": type }, 415);
  });
});

describe("empty, deep and huge bodies", () => {
  it.each([
    ["no body", undefined],
    ["an empty body", ""],
    ["only white space", "  \r\n\t "],
  ])("%s is a 400 on every route", async (_, body) => {
    await everyRouteRefuses(body, json, 400, "The request body is empty.");
  });

  it.each([
    ["nested arrays", `{"title":"x","a":${"[".repeat(20_000)}${"]".repeat(20_000)}}`],
    ["nested objects", `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`],
    ["eleven levels", `{"title":"x","a":${"[".repeat(11)}${"]".repeat(11)}}`],
  ])("deeply %s are a 400 on every route", async (_, body) => {
    await everyRouteRefuses(body, json, 400, "The request body is nested too deeply.");
  });

  it.each([
    ["one byte over 64 KiB", JSON.stringify({ title: "x", body: "y".repeat(MAX_BODY_BYTES) })],
    ["64 KiB of three-byte characters", JSON.stringify({ title: "€".repeat(22_000) })],
    ["1 MiB", `{"title":"${"z".repeat(1024 * 1024)}"}`],
  ])("%s is a 413 on every route", async (_, body) => {
    await everyRouteRefuses(body, json, 413);
  });

  it("accepts a body just under the limit on the route that allows the most", async () => {
    const response = await send(`/notes/${note.noteId}`, {
      method: "PUT",
      body: JSON.stringify({ title: note.title, body: "b".repeat(10_000) }),
      headers: { ...json, "If-Match": `"${note.version}"` },
    });

    const replaced = await ok<Note>(response);
    expect(replaced.version).toBe(note.version + 1);
    note = replaced;
  });
});

describe("invalid UTF-16, NUL and control characters", () => {
  /** [field, route index into writeRoutes()]: every text field a client writes. */
  const fields: [string, number, Record<string, unknown>][] = [
    ["title", 0, {}],
    ["body", 1, { title: "t" }],
    ["displayName", 2, {}],
    ["fileName", 3, { contentType: "text/plain", size: 1 }],
  ];

  it.each([
    ["a lone high surrogate", "\\ud800", "must be valid Unicode"],
    ["a lone low surrogate", "x\\udc00y", "must be valid Unicode"],
    ["half an emoji", "smile \\ud83d", "must be valid Unicode"],
    ["NUL", "a\\u0000b", "must not contain control characters"],
    ["an escape sequence", "\\u001b[31mred", "must not contain control characters"],
    ["BEL", "ding\\u0007", "must not contain control characters"],
    ["DEL", "a\\u007f", "must not contain control characters"],
  ])("%s in any text field is a 400 naming the field", async (_, escaped, message) => {
    await unchanged(async () => {
      for (const [field, route, rest] of fields) {
        const [, method, path, extra] = writeRoutes()[route] ?? [];
        const body = `{${Object.entries(rest)
          .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`)
          .join("")}"${field}":"${escaped}"}`;

        const response = await send(path ?? "", {
          method: method ?? "POST",
          body,
          headers: { ...json, ...extra },
        });

        const problem = await expectProblem(response, 400);
        expect(problem.detail).toBe(`${field}: ${message}`);
      }
    });
  });

  it.each([
    ["title", "/notes", { title: "two\nlines" }, "title: must be a single line"],
    [
      "title",
      "/notes",
      { title: "\u2028\u00a0 " },
      "title: must not contain bidirectional formatting or line separator characters",
    ],
    ["title", "/notes", { title: "\u200b\u00a0 " }, "title: must contain a visible character"],
    [
      "fileName",
      "/files",
      { fileName: "evil\u202Etxt.exe", contentType: "text/plain", size: 1 },
      /^fileName: must not contain/,
    ],
    [
      "fileName",
      "/files",
      { fileName: "tab\tname", contentType: "text/plain", size: 1 },
      "fileName: must be a single line",
    ],
    [
      "fileName",
      "/files",
      { fileName: "c1\u0085name", contentType: "text/plain", size: 1 },
      /^fileName: must not contain/,
    ],
  ])("a hidden or breaking character in %s is a 400", async (_, path, body, detail) => {
    await unchanged(async () => {
      const response = await send(path, { body: JSON.stringify(body), headers: json });

      expect((await expectProblem(response, 400)).detail).toMatch(detail);
    });
  });
});

describe("limit", () => {
  it.each([
    ["zero", "limit=0"],
    ["negative", "limit=-1"],
    ["over 100", "limit=101"],
    ["huge", `limit=${"9".repeat(400)}`],
    ["fractional", "limit=1.5"],
    ["exponent", "limit=1e2"],
    ["hexadecimal", "limit=0x10"],
    ["leading zero", "limit=05"],
    ["signed", "limit=%2B5"],
    ["padded", "limit=%205"],
    ["full-width digits", "limit=%EF%BC%95"],
    ["not a number", "limit=ten"],
    ["empty", "limit="],
    ["repeated", "limit=1&limit=2"],
    ["repeated, same value", "limit=5&limit=5"],
    ["NUL", "limit=%00"],
  ])("a %s limit is a 400 on both lists", async (_, query) => {
    for (const list of ["/notes", "/files"]) {
      const response = await send(`${list}?${query}`, { method: "GET" });

      const problem = await expectProblem(response, 400);
      expect(problem.detail).toMatch(/^limit: /);
    }
  });

  it.each([["1"], ["100"]])("limit=%s is accepted on both lists", async (limit) => {
    for (const list of ["/notes", "/files"]) {
      const response = await send(`${list}?limit=${limit}`, { method: "GET" });

      expect(response.status).toBe(200);
    }
  });

  it("a repeated cursor is a 400", async () => {
    const response = await send("/notes?cursor=a&cursor=b", { method: "GET" });

    expect((await expectProblem(response, 400)).detail).toBe("cursor: give it at most once");
  });
});

describe("hostile ids in the path", () => {
  const ids = [
    ["a traversal", "..%2F..%2Fme"],
    ["an encoded traversal", "%2e%2e%2f%2e%2e"],
    ["a NUL", `${newId().slice(0, 25)}%00`],
    ["a lower-case id", newId().toLowerCase()],
    ["a key prefix", `NOTE%23${newId()}`],
    ["300 characters", "A".repeat(300)],
    ["white space", "%20"],
  ];

  it.each(ids)("%s is the same 404 as an unknown id, on GET and DELETE", async (_, id) => {
    await unchanged(async () => {
      for (const kind of ["notes", "files"]) {
        for (const method of ["GET", "DELETE"]) {
          const hostile = await send(`/${kind}/${id}`, { method });
          const never = await send(`/${kind}/${newId()}`, { method });

          expect(await hostile.clone().text()).toBe(await never.text());
          await expectProblem(hostile, 404);
        }
      }
    });
  });

  it.each([
    ["an encoded lone surrogate", "%ED%A0%80"],
    ["a truncated UTF-8 sequence", "%E2%82"],
    ["a stray continuation byte", "%80abc"],
  ])("%s (not UTF-8) is refused with a clean 400 before any route runs", async (_, id) => {
    await unchanged(async () => {
      for (const kind of ["notes", "files"]) {
        for (const method of ["GET", "DELETE"]) {
          await expectProblem(await send(`/${kind}/${id}`, { method }), 400);
        }
      }
    });
  });

  it("a hostile id with a body on PUT is the same answer as an unknown id", async () => {
    await unchanged(async () => {
      for (const [, id] of ids) {
        const request = {
          method: "PUT",
          body: JSON.stringify({ title: "t", body: "" }),
          headers: { ...json, "If-Match": '"1"' },
        };
        const hostile = await send(`/notes/${id}`, request);
        const never = await send(`/notes/${newId()}`, request);

        expect(await hostile.clone().text()).toBe(await never.text());
        await expectProblem(hostile, 404);
      }
    });
  });
});

describe("file names never reach a storage key", () => {
  const declare = (fileName: string, size = 4) =>
    send("/files", {
      body: JSON.stringify({ fileName, contentType: "text/plain", size }),
      headers: json,
    });

  it.each([
    ["../../etc/passwd"],
    ["a/b/c.txt"],
    ["..\\..\\windows\\system.ini"],
    ["%2e%2e%2f%2e%2e%2fsecret"],
    [".."],
    ["users/someone-else/01ARZ3NDEKTSV4RRFFQ69G5FAV"],
    ["${filename}"],
    ["~/.ssh/id_rsa"],
    ["x".repeat(255)],
  ])("%j is metadata only: the key is users/<sub>/<fileId>", async (fileName) => {
    const file = await ok<NewFile>(await declare(fileName));

    const key = `users/${alice.sub}/${file.fileId}`;
    expect(file.fileId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(file.fileName).toBe(fileName);
    expect(file.upload.fields["key"]).toBe(key);
    expect(exactCondition(policyOf(file.upload.fields), "key")).toBe(key);
    expect(file.upload.url).not.toContain(fileName);
  });

  it.each([
    ["NUL", "a\u0000b.txt", 400],
    ["300 characters", "x".repeat(300), 400],
    ["an empty name", "", 400],
    ["only spaces", "   ", 400],
  ])("a name with %s is a 400, storing nothing", async (_, fileName, status) => {
    await unchanged(async () => {
      expect((await expectProblem(await declare(fileName), status)).detail).toMatch(/^fileName: /);
    });
  });

  it("downloads a traversal-named upload from the caller's key, under its own name", async () => {
    const bytes = randomBytes(16);
    const file = await ok<NewFile>(await declare("../../etc/passwd", bytes.length));
    expect((await postForm(file.upload, bytes, "text/plain")).status).toBe(204);

    const download = await ok<FileDownload>(await send(`/files/${file.fileId}`, { method: "GET" }));

    const url = new URL(download.downloadUrl);
    expect(decodeURIComponent(url.pathname)).toMatch(
      new RegExp(`/users/${alice.sub}/${file.fileId}$`),
    );
    expect(url.searchParams.get("response-content-disposition")).toMatch(/^attachment; /);
    expect(Number(url.searchParams.get("X-Amz-Expires"))).toBeLessThanOrEqual(900);
    expect(
      (await everyItem<{ fileName: string }>(alice, "/files")).map((f) => f.fileName),
    ).toContain("../../etc/passwd");
  });
});

describe("presigned uploads", () => {
  it.each([[1], [4096], [10 * 1024 * 1024]])(
    "a %d-byte upload is fixed by the policy: exact key, bucket, type and size, at most 15 minutes",
    async (size) => {
      const before = Date.now();
      const file = await ok<NewFile>(
        await send("/files", {
          body: JSON.stringify({
            fileName: "a.bin",
            contentType: "Application/Octet-Stream",
            size,
          }),
          headers: json,
        }),
      );

      const policy = policyOf(file.upload.fields);
      const lifetime = Date.parse(policy.expiration) - before;
      expect(lifetime).toBeGreaterThan(0);
      expect(lifetime).toBeLessThanOrEqual(15 * 60 * 1000);
      expect(file.expiresIn).toBeLessThanOrEqual(15 * 60);
      expect(policy.conditions).toContainEqual(["content-length-range", size, size]);
      expect(exactCondition(policy, "Content-Type")).toBe("application/octet-stream");
      expect(exactCondition(policy, "key")).toBe(`users/${alice.sub}/${file.fileId}`);
      expect(exactCondition(policy, "bucket")).toBe(stack().s3.bucket);
      for (const [name, value] of Object.entries(file.upload.fields)) {
        if (name !== "Policy" && name !== "X-Amz-Signature") {
          expect(exactCondition(policy, name), name).toBe(value);
        }
      }
      expect(policy.conditions.some((c) => Array.isArray(c) && c[0] === "starts-with")).toBe(false);
      expect(JSON.stringify(policy)).not.toContain(bob.sub);
    },
  );

  it.each([
    ["zero bytes", { size: 0 }, 400],
    ["a negative size", { size: -1 }, 400],
    ["a fractional size", { size: 1.5 }, 400],
    ["a size as text", { size: "5" }, 400],
    ["no size", { size: null }, 400],
    ["10 MiB and one byte", { size: 10 * 1024 * 1024 + 1 }, 413],
    ["1e308 bytes", { size: 1e308 }, 413],
    ["a content type with parameters", { contentType: "text/html; charset=utf-8" }, 400],
    ["a header-injecting content type", { contentType: "image/png\r\nX-Evil: 1" }, 400],
    ["a wildcard content type", { contentType: "*/*" }, 400],
    ["an empty content type", { contentType: "" }, 400],
  ])("%s is refused before anything is signed or stored", async (_, change, status) => {
    await unchanged(async () => {
      const response = await send("/files", {
        body: JSON.stringify({ fileName: "a.bin", contentType: "text/plain", size: 4, ...change }),
        headers: json,
      });

      const text = await response.clone().text();
      await expectProblem(response, status);
      expect(text).not.toContain("Policy");
    });
  });
});
