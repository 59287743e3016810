// A browser in miniature over real HTTP (for the binary): a cookie jar, the CSRF token of the last HTML
// page, and form posts with the Origin a browser would send. Enough to sign in and submit forms.
export interface WebAnswer {
  status: number;
  headers: Headers;
  body: string;
}

export class WebClient {
  cookies = new Map<string, string>();
  lastHtml = "";

  constructor(readonly base: string) {}

  async request(method: string, path: string, opts: { body?: BodyInit; headers?: Record<string, string> } = {}): Promise<WebAnswer> {
    const h = new Headers(opts.headers);
    if (this.cookies.size && !h.has("cookie")) h.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    if (method !== "GET" && method !== "HEAD" && !h.has("origin")) h.set("origin", this.base);
    const res = await fetch(this.base + path, { method, body: opts.body, headers: h, redirect: "manual" });
    for (const sc of res.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attrs.some((a) => a.trim().toLowerCase() === "max-age=0") || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const body = await res.text();
    if (res.headers.get("content-type")?.startsWith("text/html")) this.lastHtml = body;
    return { status: res.status, headers: res.headers, body };
  }

  get(path: string): Promise<WebAnswer> {
    return this.request("GET", path);
  }

  csrf(): string {
    return this.lastHtml.match(/name="_csrf" value="([0-9a-f]+)"/)?.[1] ?? "";
  }

  /** POST a form with the token of the last page (or of `formPage`, fetched first). */
  async submit(path: string, fields: Record<string, string>, formPage?: string): Promise<WebAnswer> {
    if (formPage) await this.get(formPage);
    return this.request("POST", path, {
      body: new URLSearchParams({ _csrf: this.csrf(), ...fields }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  }

  async login(identifier: string, password: string): Promise<WebAnswer> {
    return this.submit("/account/login", { identifier, password }, "/account/login");
  }
}
