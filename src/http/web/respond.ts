// The HTML response every page ends in. Apart from context.ts so that the layout and the error pages can
// build responses without loading the request pipeline that renders them (no import loop).
export function html(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response("<!doctype html>" + body, { status, headers: { "content-type": "text/html; charset=utf-8", ...headers } });
}
