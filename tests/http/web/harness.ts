// Drives the web UI in-process: a fresh database, the real HTTP app (createHttpApp + webApp), a movable
// clock, and a small "browser" with a cookie jar that finds CSRF tokens in the pages it got, as a person's
// browser submits them. Mails go to a real SMTP sink when one is given, else to the log.
import { loadConfig, type Config } from "../../../src/config/index.ts";
import { openDatabase, type Db } from "../../../src/db/index.ts";
import { createHttpApp, rememberPeer } from "../../../src/http/index.ts";
import { webApp } from "../../../src/http/web/index.ts";
import { createMailer, type AppMailer } from "../../../src/mail/index.ts";
import { memoryLogger } from "../../../src/log/index.ts";
import { createUser } from "../../../src/core/admin/users.ts";
import { TestClock } from "../../core/fixture.ts";

export { TestClock };

export interface WebWorld {
  db: Db;
  config: Config;
  clock: TestClock;
  log: ReturnType<typeof memoryLogger>;
  mailer: AppMailer;
  app: ReturnType<typeof createHttpApp>;
  deleted: number[];
  browser(opts?: { address?: string; secure?: boolean }): Browser;
  /** A ready account (e-mail verified). */
  user(username: string, password?: string, staff?: boolean): Promise<{ id: number; username: string; email: string; password: string }>;
}

export async function makeWebWorld(opts: { smtpPort?: number; configure?: (c: Config) => void } = {}): Promise<WebWorld> {
  const db = openDatabase(":memory:");
  const config = loadConfig({ env: {} });
  config.server.public_url = "http://updns.test";
  // These worlds' users add their own embedded zones; tests of [domains] add = "staff" set it themselves.
  config.domains.add = "users";
  if (opts.smtpPort) Object.assign(config.mail, { smtp_host: "127.0.0.1", smtp_port: opts.smtpPort, smtp_tls: "none", from: "updns@updns.test" });
  opts.configure?.(config);
  const log = memoryLogger("debug");
  const clock = new TestClock();
  const mailer = createMailer(config.mail, log);
  const deleted: number[] = [];
  const app = createHttpApp({
    config,
    log,
    health: { check: () => ({}) },
    plugins: [webApp({ db, config, log, mailer, clock, onUserDelete: async (id) => void deleted.push(id) })],
  });
  const world: WebWorld = {
    db,
    config,
    clock,
    log,
    mailer,
    app,
    deleted,
    browser: (o = {}) => new Browser(app, o.address ?? "192.0.2.10", o.secure ?? false),
    async user(username, password = "correct horse battery", staff = false) {
      const u = await createUser(db, { username, email: `${username}@example.test`, password, staff });
      return { id: u.id, username, email: u.email, password };
    },
  };
  return world;
}

export interface Page {
  status: number;
  headers: Headers;
  body: string;
  location: string | null;
}

/** A browser's cookie jar over app.handle(). Cookies are host-only here, as ours are. */
export class Browser {
  cookies = new Map<string, string>();
  lastBody = "";

  constructor(
    private readonly app: { handle(r: Request): Promise<Response> },
    public address: string,
    public secure: boolean,
  ) {}

  private origin(): string {
    return this.secure ? "https://updns.test" : "http://updns.test";
  }

  async request(method: string, path: string, body?: URLSearchParams, headers: Record<string, string> = {}): Promise<Page> {
    const h = new Headers(headers);
    if (this.cookies.size) h.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    if (body) h.set("content-type", "application/x-www-form-urlencoded");
    const req = new Request(this.origin() + path, { method, body: body?.toString(), headers: h });
    rememberPeer(req, this.address, this.secure);
    const res = await this.app.handle(req);
    for (const sc of res.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = attrs.some((a) => a.trim().toLowerCase() === "max-age=0") || value === "";
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    if (res.headers.get("content-type")?.startsWith("text/html")) this.lastBody = text;
    return { status: res.status, headers: res.headers, body: text, location: res.headers.get("location") };
  }

  get(path: string, headers?: Record<string, string>): Promise<Page> {
    return this.request("GET", path, undefined, headers);
  }

  /** The CSRF token of the last page this browser got. */
  csrf(): string {
    const m = this.lastBody.match(/name="_csrf" value="([0-9a-f]+)"/);
    if (!m) throw new Error("no CSRF token on the last page");
    return m[1];
  }

  /** Submits a form the way the page would: fetch the page first (if given), then POST with its token. */
  async submit(path: string, fields: Record<string, string>, formPage?: string): Promise<Page> {
    if (formPage) await this.get(formPage);
    return this.request("POST", path, new URLSearchParams({ _csrf: this.csrf(), ...fields }));
  }

  async login(identifier: string, password: string, remember = false): Promise<Page> {
    return this.submit("/account/login", { identifier, password, ...(remember ? { remember: "1" } : {}) }, "/account/login");
  }
}

/** The visible text of a page (tags removed, entities of the escaper decoded), for "what a person sees" checks. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

/** The text of a page's `<pre id="…">` block as a person copies it (a snippet, entities decoded). */
export function preBlock(html: string, id: string): string {
  const m = html.match(new RegExp(`<pre id="${id}"[^>]*>([\\s\\S]*?)</pre>`));
  if (!m) throw new Error(`no block ${id} on the page`);
  return m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#34;/g, '"').replace(/&#x27;/g, "'").replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

/** Our Browser over real HTTP to a running server (serve's whole wiring) at `server.url`. */
export function httpBrowser(server: { url: string }): Browser {
  return new Browser(
    {
      async handle(req: Request) {
        const u = new URL(req.url);
        const headers = new Headers(req.headers);
        headers.delete("host");
        return fetch(server.url + u.pathname + u.search, { method: req.method, headers, body: req.method === "POST" ? await req.text() : undefined, redirect: "manual" });
      },
    },
    "127.0.0.1",
    false,
  );
}
