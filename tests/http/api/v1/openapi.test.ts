// The OpenAPI document says what the server does: every route is in it, and a small JSON Schema checker (the
// subset the document uses) run on the document's own schemas agrees with the server on which request bodies
// are refused (400) and which are taken, and accepts the answers the server really gives.
import { beforeAll, describe, expect, test } from "bun:test";
import { apiV1Routes } from "../../../../src/http/api/v1/index.ts";
import { makeApiWorld, ZONE, type ApiWorld } from "./world.ts";

type Schema = Record<string, any>;
let w: ApiWorld;
let tok: string;
let doc: Schema;

beforeAll(async () => {
  w = await makeApiWorld();
  tok = w.token(w.alice);
  const r = await w.call("GET", "/api/v1/openapi.json", { token: null });
  expect(r.status).toBe(200);
  doc = r.body;
});

/** JSON Schema (2020-12 subset) → list of problems; [] means valid. */
function problems(schema: Schema, value: unknown, path = ""): string[] {
  if (schema.$ref) return problems(doc.components.schemas[schema.$ref.split("/").pop()], value, path);
  const out: string[] = [];
  if (schema.anyOf) {
    if (!schema.anyOf.some((s: Schema) => problems(s, value, path).length === 0)) out.push(`${path}: matches no alternative`);
    return out;
  }
  if ("const" in schema && value !== schema.const) return [`${path}: must be ${JSON.stringify(schema.const)}`];
  const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  const t = schema.type;
  if (t === "integer" ? !Number.isInteger(value) : t && typeOf(value) !== t) return [`${path}: must be ${t}`];
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) out.push(`${path}: below minimum`);
    if (schema.maximum !== undefined && value > schema.maximum) out.push(`${path}: above maximum`);
    if (schema.multipleOf !== undefined && value % schema.multipleOf !== 0) out.push(`${path}: not a multiple of ${schema.multipleOf}`);
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) out.push(`${path}: too short`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push(`${path}: too long`);
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) out.push(`${path}: does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push(`${path}: too many items`);
    if (schema.items) value.forEach((v, i) => out.push(...problems(schema.items, v, `${path}/${i}`)));
  }
  if (t === "object" && value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in o)) out.push(`${path}/${k}: required`);
    for (const [k, v] of Object.entries(o)) {
      if (schema.properties?.[k]) out.push(...problems(schema.properties[k], v, `${path}/${k}`));
      else if (schema.additionalProperties === false) out.push(`${path}/${k}: not allowed`);
    }
    if (schema.minProperties !== undefined && Object.keys(o).length < schema.minProperties) out.push(`${path}: too few properties`);
  }
  return out;
}

const op = (method: string, path: string) => doc.paths[path][method.toLowerCase()];
const bodySchema = (method: string, path: string) => op(method, path).requestBody.content["application/json"].schema;
const okSchema = (method: string, path: string, status = "200") => op(method, path).responses[status].content["application/json"].schema;

describe("the document", () => {
  test("is OpenAPI 3.1 with every route, its path parameters, error answers and bearer security", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: "http", scheme: "bearer" }));
    for (const r of apiV1Routes) {
      const o = op(r.method, r.path);
      expect(o?.operationId).toBe(r.operationId);
      const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(o.parameters?.filter((p: Schema) => p.in === "path").map((p: Schema) => p.name) ?? []).toEqual(names);
      expect(Object.keys(o.responses)).toContain(String(r.ok.status));
      expect(o.responses["401"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
    }
    // Every reference resolves.
    for (const m of JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) expect(doc.components.schemas[m[1]]).toBeDefined();
  });
});

describe("request bodies: the document and the server agree", () => {
  const HOME = `home.${ZONE}`;
  const cases: { method: string; docPath: string; path: string; bodies: unknown[] }[] = [
    {
      method: "PATCH",
      docPath: "/hosts/{fqdn}",
      path: `/api/v1/hosts/${HOME}`,
      bodies: [{ comment: "x" }, { ttl: 300 }, { ttl: "300" }, { ttl: 300.5 }, { netmask_ipv6: 65 }, { netmask_ipv4: 24 }, {}, { abuse: false }, { abuse: true }, { colour: "red" }, { comment: "y".repeat(256) }, { wildcard: "yes" }],
    },
    {
      method: "PUT",
      docPath: "/zones/{zone}/records/{name}/{type}",
      path: `/api/v1/zones/${ZONE}/records/www/TXT`,
      bodies: [{ ttl: 300, data: ['"a"'] }, { ttl: -1, data: [] }, { ttl: 300 }, { data: [] }, { ttl: 300, data: [""] }, { ttl: 300, data: Array(101).fill('"a"') }, { ttl: 300, data: ['"b"'], extra: 1 }, { ttl: 1e10, data: [] }],
    },
    {
      method: "PUT",
      docPath: "/hosts/{fqdn}/addresses",
      path: `/api/v1/hosts/${HOME}/addresses`,
      bodies: [{ ipv4: "192.0.2.1" }, { ipv4: null }, { txt: null }, { ipv6: "2001:db8::1" }, {}, { ipv4: 3 }, { myip: "192.0.2.1" }, { txt: "t".repeat(256) }],
    },
    {
      method: "POST",
      docPath: "/hosts/{fqdn}/related",
      path: `/api/v1/hosts/${HOME}/related`,
      bodies: [{ name: "r1" }, { name: "" }, { comment: "no name" }, { name: "r2", available: false }, { name: "r3", available: 1 }, { name: "r4", interface_id_ipv4: "0.0.0.1" }],
    },
  ];
  for (const c of cases) {
    test(`${c.method} ${c.docPath}`, async () => {
      const schema = bodySchema(c.method, c.docPath);
      for (const body of c.bodies) {
        const docSays = problems(schema, body).length === 0;
        const r = await w.call(c.method, c.path, { token: tok, body });
        const serverSays = r.status !== 400;
        expect([JSON.stringify(body).slice(0, 80), serverSays]).toEqual([JSON.stringify(body).slice(0, 80), docSays]);
        if (!serverSays) expect(r.body.error.code).toBe("invalid_request");
      }
    });
  }
});

describe("answers match the documented schemas", () => {
  test("hosts, host, addresses, related, zones, records, token", async () => {
    await w.call("PUT", `/api/v1/hosts/home.${ZONE}/addresses`, { token: tok, body: { ipv4: "192.0.2.1" } });
    const checks: [string, string, string, string?][] = [
      ["GET", "/api/v1/hosts", "/hosts"],
      ["GET", `/api/v1/hosts/home.${ZONE}`, "/hosts/{fqdn}"],
      ["GET", `/api/v1/hosts/home.${ZONE}/related`, "/hosts/{fqdn}/related"],
      ["GET", "/api/v1/zones", "/zones"],
      ["GET", `/api/v1/zones/${ZONE}`, "/zones/{zone}"],
      ["GET", `/api/v1/zones/${ZONE}/records`, "/zones/{zone}/records"],
      ["GET", "/api/v1/token", "/token"],
    ];
    for (const [method, path, docPath] of checks) {
      const r = await w.call(method, path, { token: tok });
      expect([path, r.status]).toEqual([path, 200]);
      expect([path, problems(okSchema(method, docPath), r.body)]).toEqual([path, []]);
    }
    const put = await w.call("PUT", `/api/v1/hosts/home.${ZONE}/addresses`, { token: tok, body: { ipv6: "2001:db8::1" } });
    expect(problems(okSchema("PUT", "/hosts/{fqdn}/addresses"), put.body)).toEqual([]);
    const made = await w.call("POST", "/api/v1/hosts", { token: tok, body: { fqdn: `doc.${ZONE}` } });
    expect(problems(okSchema("POST", "/hosts", "201"), made.body)).toEqual([]);
    const err = await w.call("GET", "/api/v1/hosts/nothere.dyn.example.org", { token: tok });
    expect(problems(doc.components.schemas.Error, err.body)).toEqual([]);
    // The checker is not a yes-machine.
    expect(problems(okSchema("GET", "/hosts/{fqdn}"), { fqdn: 1 }).length).toBeGreaterThan(0);
  });
});
