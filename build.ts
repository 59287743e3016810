// The single-binary build: `bun build --compile` bundles the code with the SQL migrations and the web
// assets (imported as text), so dist/updns runs with no files beside it.
import pkg from "./package.json" with { type: "json" };

const result = await Bun.build({
  // The DNS thread's entry is bundled too: dns/server/threads.ts starts it as a Worker by this path.
  entrypoints: ["./src/main.ts", "./src/dns/server/thread.ts"],
  compile: { outfile: "./dist/updns" },
  minify: true,
  define: { "process.env.UPDNS_BUILD": JSON.stringify(pkg.version) },
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log(`built dist/updns (${pkg.version})`);
