/**
 * The one input policy of every write route (docs/api.md), asked of the local API: content type,
 * UTF-8, the one-line text rule of titles and file names, and a single If-Match.
 */
import { connect } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../support/problems.js";
import { stack } from "../support/stack.js";
import { callApi, createUser, type TestUser } from "../support/users.js";

let alice: TestUser;

beforeAll(async () => {
  alice = await createUser();
});

/** The write routes and a valid body for each; `{id}` is a note of alice's. */
const routes = [
  { method: "POST", path: "/notes", body: { title: "t" } },
  { method: "PUT", path: "/notes/{id}", body: { title: "t", body: "b" } },
  { method: "PATCH", path: "/me", body: { displayName: "Ada" } },
  {
    method: "POST",
    path: "/files",
    body: { fileName: "a.txt", contentType: "text/plain", size: 1 },
  },
];

async function newNote(): Promise<string> {
  const created = await callApi("/notes", {
    method: "POST",
    token: alice.accessToken,
    body: { title: "policy" },
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { noteId: string }).noteId;
}

/**
 * Sends raw bytes with raw header lines over a socket (fetch would merge `If-Match` and
 * `if-match` into one header, and could not send bytes that are not UTF-8 as they are).
 */
function rawRequest(
  method: string,
  path: string,
  headers: [string, string][],
  body = Buffer.alloc(0),
): Promise<Response> {
  const url = new URL(stack().apiUrl);
  const head = [
    `${method} ${url.pathname}${path} HTTP/1.0`,
    `Host: ${url.host}`,
    `Authorization: Bearer ${alice.accessToken}`,
    `Content-Length: ${body.length}`,
    "Connection: close",
    ...headers.map(([name, value]) => `${name}: ${value}`),
  ].join("\r\n");
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const split = raw.indexOf("\r\n\r\n");
      const [statusLine = "", ...lines] = raw.slice(0, split).split("\r\n");
      const responseHeaders = new Headers();
      for (const line of lines) {
        const colon = line.indexOf(":");
        responseHeaders.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      const status = Number(statusLine.split(" ")[1]);
      resolve(new Response(raw.slice(split + 4), { status, headers: responseHeaders }));
    });
    socket.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body]));
  });
}

describe("the input policy of every write route", () => {
  it.each(routes)(
    "$method $path refuses a body with no content type or another one with a 415 problem",
    async ({ method, path, body }) => {
      const target = path.replace("{id}", await newNote());
      const json = JSON.stringify(body);

      const answers = await Promise.all(
        [undefined, "text/plain", "application/json-seq", "application/merge-patch+json"].map(
          (contentType) =>
            rawRequest(
              method,
              target,
              contentType === undefined
                ? [["If-Match", '"1"']]
                : [
                    ["Content-Type", contentType],
                    ["If-Match", '"1"'],
                  ],
              Buffer.from(json),
            ),
        ),
      );

      for (const answer of answers) await expectProblem(answer, 415);
    },
  );

  it.each(routes)(
    "$method $path accepts application/json with charset=utf-8",
    async ({ method, path, body }) => {
      const target = path.replace("{id}", await newNote());

      const answer = await callApi(target, {
        method,
        token: alice.accessToken,
        body,
        headers: { "Content-Type": "application/json; charset=utf-8", "If-Match": '"1"' },
      });

      expect(answer.status, await answer.clone().text()).toBeLessThan(300);
    },
  );

  it.each(routes)(
    "$method $path refuses invalid UTF-8 with a 400 problem",
    async ({ method, path }) => {
      const target = path.replace("{id}", await newNote());
      const bytes = Buffer.concat([
        Buffer.from('{"title":"a'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}'),
      ]);

      const answer = await rawRequest(
        method,
        target,
        [
          ["Content-Type", "application/json"],
          ["If-Match", '"1"'],
        ],
        bytes,
      );

      const problem = await expectProblem(answer, 400);
      expect(problem.detail).toBe("The request body is not valid UTF-8.");
    },
  );

  it.each([
    ["a right-to-left override", "invoice\u202Efdp.exe"],
    ["a line separator", "a\u2028b"],
    ["a paragraph separator", "a\u2029b"],
    ["only a zero-width space", "\u200B"],
    ["only invisible characters", "\u200D\uFEFF\u2060"],
  ])("refuses a title and a file name with %s with a 400 problem", async (_, value) => {
    const noteId = await newNote();

    const answers = [
      await callApi("/notes", { method: "POST", token: alice.accessToken, body: { title: value } }),
      await callApi(`/notes/${noteId}`, {
        method: "PUT",
        token: alice.accessToken,
        body: { title: value, body: "" },
        headers: { "If-Match": '"1"' },
      }),
      await callApi("/files", {
        method: "POST",
        token: alice.accessToken,
        body: { fileName: value, contentType: "text/plain", size: 1 },
      }),
    ];

    for (const answer of answers) await expectProblem(answer, 400);
  });

  it.each([
    [
      "two casings",
      [
        ["If-Match", '"99"'],
        ["if-match", '"1"'],
      ],
    ],
    [
      "the same casing twice",
      [
        ["If-Match", '"1"'],
        ["If-Match", '"1"'],
      ],
    ],
    [
      "three casings",
      [
        ["IF-MATCH", '"1"'],
        ["if-match", '"1"'],
        ["If-Match", '"1"'],
      ],
    ],
  ] as [string, [string, string][]][])(
    "refuses If-Match given in %s with a 400 problem, for PUT and DELETE",
    async (_, ifMatch) => {
      const noteId = await newNote();
      const body = Buffer.from(JSON.stringify({ title: "changed", body: "" }));

      const put = await rawRequest(
        "PUT",
        `/notes/${noteId}`,
        [["Content-Type", "application/json"], ...ifMatch],
        body,
      );
      const del = await rawRequest("DELETE", `/notes/${noteId}`, ifMatch);
      const after = await callApi(`/notes/${noteId}`, { token: alice.accessToken });

      await expectProblem(put, 400);
      await expectProblem(del, 400);
      expect(after.status).toBe(200);
      expect(await after.json()).toMatchObject({ title: "policy", version: 1 });
    },
  );
});
