// Without SMTP, reset and invitation links never reach the log: the forgot-password page says mail is not
// configured (and makes no token), `updns user reset-link NAME` prints a link for the operator, a staff
// member inviting someone sees the link on the page. The first-run setup link is still logged.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createUser } from "../../src/core/admin/users.ts";
import { userTokens } from "../../src/db/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { userCommand } from "../../src/cli/users.ts";
import { type Io } from "../../src/cli/args.ts";
import { cli, startInProcess, type InProcess } from "../support/updns.ts";
import { tempDir } from "../support/net.ts";
import { WebClient } from "../support/web-client.ts";

let server: InProcess;
const log = () => server.logLines.join("\n");
const tokenCount = () => server.db.select().from(userTokens).all().length;

async function resetLink(name: string, cfgEnv: Record<string, string> = {}): Promise<string> {
  const out: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void out.push(t), stdin: async () => "" };
  await userCommand(["reset-link", name], io, () => server.db, undefined, loadConfig({ env: { UPDNS_HTTP_LISTEN: server.httpAddresses[0], ...cfgEnv } }));
  return out.join("\n");
}

beforeAll(async () => {
  server = await startInProcess();
});
afterAll(() => server.close());

describe("no SMTP server", () => {
  test("the first-run setup link is logged for the operator", () => {
    expect(server.setupUrl).toContain("/setup/");
    expect(log()).toContain(`setup_url=${server.setupUrl}`);
  });

  test("the forgot-password page says mail is not configured, and asking makes no token and logs no link", async () => {
    await createUser(server.db, { username: "ann", email: "ann@example.test", password: "ann's old password", staff: true });
    const web = new WebClient(server.url);
    const form = await web.get("/account/password-reset");
    expect(form.body).toContain("This server sends no mail (no SMTP server is configured), so it cannot send you a reset link. Ask its operator for one.");
    expect(form.body).not.toContain('name="identifier"');
    const before = tokenCount();
    const asked = await web.request("POST", "/account/password-reset", {
      body: new URLSearchParams({ _csrf: web.csrf(), identifier: "ann" }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(asked.status).toBe(200);
    expect(asked.body).toContain("cannot send you a reset link");
    expect(tokenCount()).toBe(before);
    expect(log()).not.toContain("/account/password-reset/");
  });

  test("user reset-link prints a working link on [server] public_url; it is not logged and works once", async () => {
    const out = await resetLink("ann", { UPDNS_SERVER_PUBLIC_URL: "https://dyn.example.test" });
    expect(out).toMatch(/^https:\/\/dyn\.example\.test\/account\/password-reset\/[A-Za-z0-9_-]{43}\n\(works once, for 2 hours/);
    const printed = await resetLink("ann");
    const link = printed.split("\n")[0];
    expect(link.startsWith(`${server.url}/account/password-reset/`)).toBe(true);
    const path = new URL(link).pathname;
    const web = new WebClient(server.url);
    const form = await web.get(path);
    expect(form.status).toBe(200);
    const set = await web.submit(path, { password: "ann's brand new password", password2: "ann's brand new password" });
    expect(set.status).toBe(303);
    expect((await new WebClient(server.url).login("ann", "ann's brand new password")).status).toBe(303);
    expect((await web.get(path)).body).toContain("This password reset link is unknown, expired or was already used.");
    expect(log()).not.toContain(path.split("/").pop()!);
  });

  test("dist/updns user reset-link prints the link on stdout, --json too, and names an unknown user", async () => {
    const d = tempDir();
    try {
      const env = { UPDNS_SERVER_PUBLIC_URL: "https://dyn.example.test/" };
      expect((await cli(["user", "add", "zoe", "--email", "zoe@example.test"], { cwd: d.path, env })).code).toBe(0);
      const plain = await cli(["user", "reset-link", "zoe"], { cwd: d.path, env });
      expect(plain.code).toBe(0);
      expect(plain.stdout).toMatch(/^https:\/\/dyn\.example\.test\/account\/password-reset\/[A-Za-z0-9_-]{43}\n/);
      const json = JSON.parse((await cli(["user", "reset-link", "zoe", "--json"], { cwd: d.path, env })).stdout);
      expect(json).toMatchObject({ username: "zoe", expires_in_hours: 2 });
      expect(json.link).toMatch(/^https:\/\/dyn\.example\.test\/account\/password-reset\//);
      const unknown = await cli(["user", "reset-link", "nobody"], { cwd: d.path, env });
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('no user named "nobody"');
      expect((await cli(["user", "--help"], { cwd: d.path })).stdout).toContain("updns user reset-link NAME");
      await cli(["user", "set", "zoe", "--inactive"], { cwd: d.path, env });
      const inactive = await cli(["user", "reset-link", "zoe"], { cwd: d.path, env });
      expect(inactive.code).not.toBe(0);
      expect(inactive.stderr).toContain("user zoe is inactive: make it active first (updns user set zoe --active)");
    } finally {
      d.cleanup();
    }
  });

  test("user add without --password-stdin prints a set-password link, says what it is, and the new user signs in with it", async () => {
    const out: string[] = [];
    const io: Io = { out: (t) => void out.push(t), err: (t) => void out.push(t), stdin: async () => "" };
    await userCommand(["add", "me", "--email", "me@example.test"], io, () => server.db, undefined, loadConfig({ env: { UPDNS_HTTP_LISTEN: server.httpAddresses[0] } }));
    const [what, link, when] = out.join("\n").split("\n");
    expect(what).toBe(`user me created without a password; me sets one with this link (or the site's "Forgot password?" page if mail is configured):`);
    expect(link.startsWith(`${server.url}/account/password-reset/`)).toBe(true);
    expect(when).toBe("(works once, for 2 hours; updns user reset-link me prints a new one)");
    const web = new WebClient(server.url);
    const path = new URL(link).pathname;
    await web.get(path);
    expect((await web.submit(path, { password: "my very own password", password2: "my very own password" })).status).toBe(303);
    expect((await new WebClient(server.url).login("me", "my very own password")).status).toBe(303);
    expect(log()).not.toContain(path.split("/").pop()!);
  });

  test("dist/updns user add prints the set-password link only when no password came on stdin", async () => {
    const d = tempDir();
    try {
      const env = { UPDNS_SERVER_PUBLIC_URL: "https://dyn.example.test" };
      const plain = await cli(["user", "add", "me", "--email", "me@example.test"], { cwd: d.path, env });
      expect(plain.code).toBe(0);
      expect(plain.stdout).toMatch(/^user me created without a password; me sets one with this link .*\nhttps:\/\/dyn\.example\.test\/account\/password-reset\/[A-Za-z0-9_-]{43}\n\(works once/);
      const json = JSON.parse((await cli(["user", "add", "you", "--email", "you@example.test", "--json"], { cwd: d.path, env })).stdout);
      expect(json).toMatchObject({ username: "you", expires_in_hours: 2 });
      expect(json.set_password_link).toMatch(/^https:\/\/dyn\.example\.test\/account\/password-reset\//);
      const withPassword = await cli(["user", "add", "ops", "--email", "ops@example.test", "--password-stdin"], { cwd: d.path, env, stdin: "a long enough password\n" });
      expect(withPassword.stdout.trim()).toBe("user ops created");
    } finally {
      d.cleanup();
    }
  });

  test("user reset-link names an unknown user", async () => {
    await expect(resetLink("nobody")).rejects.toThrow('no user named "nobody"');
  });

  test("a staff member inviting someone sees the link on the page; the log holds no link", async () => {
    const web = new WebClient(server.url);
    expect((await web.login("ann", "ann's brand new password")).status).toBe(303);
    const r = await web.submit("/admin/invitations", { invite_email: "bob@example.test" }, "/admin/users");
    expect(r.status).toBe(200);
    const link = r.body.match(/<code>([^<]+register\?invitation=[^<]+)<\/code>/)?.[1];
    expect(link).toBeDefined();
    expect(log()).not.toContain("invitation=");
    expect(log()).toContain('msg="invitation link shown to staff (no [mail] smtp_host)"');
  });
});
