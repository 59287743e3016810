// The whole test suite: every tests/**/*.test.ts, split over two `bun test` processes (the machine has two
// cores; each test takes its own ports, so shards never collide), then one summary line
// "tests: N passed, N failed" that CI reads.
import { Glob } from "bun";
import { statSync } from "node:fs";

const only = process.argv.slice(2);
const files = [...new Glob("tests/**/*.test.ts").scanSync(".")]
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}

const SHARDS = Math.min(Number(process.env.TEST_SHARDS ?? 2), files.length);
// Interop and robustness suites (real daemons, load, kills) are the slow ones: deal them out first so each
// shard gets its share.
const slow = (f: string) => f.includes("/interop/") || f.includes("/robustness/") || f.includes("/bench/");
const weight = (f: string) => (slow(f) ? 1e9 : 0) + statSync(f).size;
const shards: string[][] = Array.from({ length: SHARDS }, () => []);
const load = new Array(SHARDS).fill(0);
for (const f of [...files].sort((a, b) => weight(b) - weight(a))) {
  const i = load.indexOf(Math.min(...load));
  shards[i].push(f);
  load[i] += slow(f) ? 4 * statSync(f).size : statSync(f).size;
}

const started = Date.now();
const results = await Promise.all(
  shards.map(async (list, i) => {
    const proc = Bun.spawn([process.execPath, "test", "--timeout", "60000", ...list.map((f) => "./" + f)], {
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, TEST_SHARD: String(i) },
    });
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    const code = await proc.exited;
    return { i, code, text: out + err };
  }),
);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const r of results) {
  console.log(`\n===== shard ${r.i + 1}/${SHARDS} (exit ${r.code}) =====`);
  console.log(r.text);
  passed += Number(r.text.match(/^\s*(\d+) pass$/m)?.[1] ?? 0);
  failed += Number(r.text.match(/^\s*(\d+) fail$/m)?.[1] ?? 0);
  skipped += Number(r.text.match(/^\s*(\d+) skip$/m)?.[1] ?? 0);
  // A shard that crashed or errored outside a test still counts as a failure.
  if (r.code !== 0 && !/^\s*[1-9]\d* fail$/m.test(r.text)) failed += 1;
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\n${files.length} files in ${SHARDS} shards, ${seconds} s`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
