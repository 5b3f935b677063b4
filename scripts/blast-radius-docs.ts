/**
 * Prints the README's blast-radius table ("Review and policy"), rendered from the plans that
 * tests/blast-radius.test.ts computes under Pulumi mocks with the providers' rules:
 *   npx ts-node --transpile-only scripts/blast-radius-docs.ts
 * The plans exist only inside Jest (the mock harness isolates a module registry per run), so this
 * runs that one test and prints what it rendered. The test fails when the README differs.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "blast-radius-")), "table.md");
const jest = spawnSync(
  process.execPath,
  [
    path.join(root, "node_modules", "jest", "bin", "jest.js"),
    "tests/blast-radius.test.ts",
    "--testNamePattern",
    "README",
  ],
  { cwd: root, env: { ...process.env, BLAST_RADIUS_TABLE: out }, encoding: "utf8" },
);
if (!fs.existsSync(out)) {
  process.stderr.write(jest.stderr);
  process.exit(1);
}
process.stdout.write(fs.readFileSync(out, "utf8"));
