// `updns token add|list|revoke`: account API tokens (core/tokens.ts). The token is printed once, at creation.
import type { Db } from "../db/index.ts";
import { createToken, listTokens, parseExpiry, requireUser, revokeToken, type TokenInfo } from "../core/index.ts";
import { CliError, parse, print, table, type Io } from "./args.ts";

const USAGE =
  "updns token add USER [--name TEXT] [--hosts FQDN,...] [--zones ZONE,...] [--types A,AAAA,TXT] [--subnets CIDR,...] [--expires DATE|90d] [--read-only]" +
  " | updns token list [USER] | updns token revoke ID";

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(","));

function describe(t: TokenInfo) {
  const s = t.scopes;
  return {
    id: t.id,
    user: t.username,
    name: t.name,
    hosts: s.hosts ?? null,
    zones: s.zones ?? null,
    types: s.types ?? null,
    subnets: s.subnets ?? null,
    read_only: Boolean(s.readOnly),
    expires_at: t.expiresAt?.toISOString() ?? null,
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    last_used_from: t.lastUsedFrom || null,
    created: t.created.toISOString(),
  };
}

function scopeText(t: ReturnType<typeof describe>): string {
  const parts = [
    t.hosts ? `hosts=${t.hosts.join(",")}` : "",
    t.zones ? `zones=${t.zones.join(",")}` : "",
    t.types ? `types=${t.types.join(",")}` : "",
    t.subnets ? `subnets=${t.subnets.join(",")}` : "",
    t.read_only ? "read-only" : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" ") : "whole account";
}

export async function tokenCommand(argv: string[], io: Io, openDb: () => Db, now: () => Date = () => new Date()): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") return io.out(`usage: ${USAGE}`);
  const { values, positionals } = parse(
    rest,
    {
      name: { type: "string" },
      hosts: { type: "string" },
      zones: { type: "string" },
      types: { type: "string" },
      subnets: { type: "string" },
      expires: { type: "string" },
      "read-only": { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) return io.out(`usage: ${USAGE}`);
  const db = openDb();
  switch (sub) {
    case "add": {
      if (positionals.length !== 1) throw new CliError(`token add takes one USER\nusage: ${USAGE}`);
      const user = requireUser(db, positionals[0]);
      const created = createToken(db, user.id, {
        name: values.name,
        hosts: list(values.hosts),
        zones: list(values.zones),
        types: list(values.types),
        subnets: list(values.subnets),
        readOnly: values["read-only"],
        expiresAt: values.expires === undefined ? null : parseExpiry(values.expires, now()),
      });
      const d = describe(created.info);
      // The only time the token is shown: the caller stores it now (only its hash is kept).
      return print(io, values.json, { ...d, token: created.token }, () =>
        [`token ${created.id} created for ${user.username} (${scopeText(d)}${d.expires_at ? `, expires ${d.expires_at}` : ""})`, `token: ${created.token}`].join("\n"),
      );
    }
    case "list": {
      if (positionals.length > 1) throw new CliError(`token list takes at most one USER\nusage: ${USAGE}`);
      const userId = positionals[0] === undefined ? undefined : requireUser(db, positionals[0]).id;
      const rows = listTokens(db, { userId }).map(describe);
      return print(io, values.json, rows, () =>
        table(
          rows.map((r) => ({ ...r, scope: scopeText(r), expires: r.expires_at ?? "never", last_used: r.last_used_at ? `${r.last_used_at} from ${r.last_used_from ?? "?"}` : "never" })),
          ["id", "user", "name", "scope", "expires", "last_used"],
        ),
      );
    }
    case "revoke": {
      if (positionals.length !== 1 || !/^\d{1,15}$/.test(positionals[0])) throw new CliError(`token revoke takes one numeric ID (see "updns token list")\nusage: ${USAGE}`);
      revokeToken(db, Number(positionals[0]));
      return print(io, values.json, { revoked: Number(positionals[0]) }, () => `token ${positionals[0]} revoked`);
    }
    default:
      throw new CliError(`unknown token command "${sub}"\nusage: ${USAGE}`);
  }
}
