import { describe, expect, it } from "vitest";
import {
  codePage,
  errorPage,
  signInPage,
} from "../../../../../scripts/local/cognito/oauth/login-page.js";

const INJECTED = `"><script>alert(1)</script>`;

describe("login-page", () => {
  it("escapes the form's action, the session and every message", () => {
    const pages = [
      signInPage(`/oauth2/authorize?state=${INJECTED}`, INJECTED),
      codePage("/oauth2/authorize", INJECTED, INJECTED),
      errorPage(INJECTED, INJECTED),
    ];

    for (const html of pages) {
      expect(html).not.toContain("<script>");
      expect(html).toContain("&quot;&gt;&lt;script&gt;");
    }
  });

  it("posts the sign-in form back to the authorization request's own URL", () => {
    const html = signInPage("/oauth2/authorize?client_id=a&state=b");

    expect(html).toContain('action="/oauth2/authorize?client_id=a&amp;state=b"');
    expect(html).toContain('name="username"');
    expect(html).toContain('name="password"');
  });
});
