// Bundles the extension into dist/extension.js; with --unit, bundles each unit test into out/unit/.
import { build, context } from "esbuild";
import { readdirSync } from "node:fs";

const args = new Set(process.argv.slice(2));
const production = args.has("--production");

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  logLevel: "warning",
};

if (args.has("--unit")) {
  const tests = readdirSync("test/unit").filter((name) => name.endsWith(".test.ts"));
  await build({
    ...common,
    entryPoints: tests.map((name) => `test/unit/${name}`),
    outdir: "out/unit",
    sourcemap: "inline",
  });
} else {
  const options = {
    ...common,
    entryPoints: ["src/extension.ts"],
    outfile: "dist/extension.js",
    external: ["vscode"],
    minify: production,
    sourcemap: !production,
  };
  if (args.has("--watch")) {
    await (await context(options)).watch();
  } else {
    await build(options);
  }
}
