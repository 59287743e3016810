// A real SMTP server on loopback that keeps every message it receives: Debian's python3-aiosmtpd, run by
// the system Python, writing one JSON file per message (sender, recipients, subject, decoded text body).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, havePeers, tempDir, waitFor } from "./net.ts";

const PYTHON = "/usr/bin/python3";

const SCRIPT = `
import email, itertools, json, os, sys, threading
from email import policy
from aiosmtpd.controller import Controller
outdir, port = sys.argv[1], int(sys.argv[2])
counter = itertools.count()
class Keep:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        part = msg.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""
        n = next(counter)
        tmp = os.path.join(outdir, "%05d.tmp" % n)
        with open(tmp, "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "subject": str(msg["subject"]), "text": text}, f)
        os.rename(tmp, os.path.join(outdir, "%05d.json" % n))
        return "250 OK"
controller = Controller(Keep(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
threading.Event().wait()
`;

export interface SunkMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface SmtpSink {
  port: number;
  /** Every message so far, oldest first. */
  messages(): SunkMail[];
  /** The first message to `to` beyond the `seen` already taken (waits up to 5 s). */
  next(to: string): Promise<SunkMail>;
  stop(): Promise<void>;
}

/** Whether the sink can run here (in CI a missing aiosmtpd fails loudly, see havePeers). */
export function haveSmtpSink(): boolean {
  if (!havePeers("python3")) return false;
  const ok = Bun.spawnSync([PYTHON, "-c", "import aiosmtpd"]).exitCode === 0;
  if (!ok && process.env.CI === "true") throw new Error("python3-aiosmtpd is missing in CI (apt-get install python3-aiosmtpd)");
  if (!ok) console.warn("skipping: python3-aiosmtpd is not installed");
  return ok;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const dir = tempDir("updns-smtp-");
  const script = join(dir.path, "sink.py");
  writeFileSync(script, SCRIPT);
  const port = await freePort();
  const outdir = join(dir.path, "mail");
  Bun.spawnSync(["mkdir", outdir]);
  const proc = Bun.spawn([PYTHON, script, outdir, String(port)], { stdout: "pipe", stderr: "pipe" });
  const reader = proc.stdout.getReader();
  const first = await Promise.race([reader.read(), Bun.sleep(5000).then(() => null)]);
  if (!first || first.done || !new TextDecoder().decode(first.value).includes("ready")) {
    proc.kill();
    throw new Error("the SMTP sink did not start: " + (await new Response(proc.stderr).text()));
  }
  const read = (): SunkMail[] =>
    readdirSync(outdir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(outdir, f), "utf8")) as SunkMail);
  const taken = new Map<string, number>();
  return {
    port,
    messages: read,
    async next(to: string) {
      const n = taken.get(to) ?? 0;
      const mail = await waitFor(`a mail to ${to}`, () => read().filter((m) => m.to.includes(to))[n], 5000, 25);
      taken.set(to, n + 1);
      return mail;
    },
    async stop() {
      proc.kill();
      await proc.exited;
      dir.cleanup();
    },
  };
}

/** The first http(s) link in a mail's text. */
export function linkIn(mail: SunkMail): string {
  const m = mail.text.match(/https?:\/\/\S+/);
  if (!m) throw new Error(`no link in mail "${mail.subject}": ${mail.text}`);
  return m[0];
}
