import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Pulumi runs the program compiled into dist/ (package.json "main"; Pulumi.yaml's runtime option
 * `typescript: false`), not index.ts through ts-node. `npm run compile` builds it and records
 * here what it was built from; the entry point refuses to run when a source has changed since,
 * so a forgotten build cannot preview or deploy an older program.
 */

/** What the program is built from, relative to the project root (tsconfig.build.json's include). */
const SOURCES = ["index.ts", "config", "components", path.join("scripts", "build")];

/** The record of a build's sources, in the output directory. */
const STAMP = "sources.json";

/** Every TypeScript source of the program, relative to `root`, sorted. */
function programSources(root: string): string[] {
  const walk = (rel: string): string[] => {
    const full = path.join(root, rel);
    if (!fs.statSync(full).isDirectory()) return [rel];
    return fs
      .readdirSync(full, { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory()
          ? walk(path.join(rel, e.name))
          : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")
            ? [path.join(rel, e.name)]
            : [],
      );
  };
  return SOURCES.flatMap(walk).sort();
}

const hash = (file: string): string =>
  createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** Records, in `out`, the sources under `root` the build in `out` was made from. */
export function writeStamp(root: string, out: string): void {
  const files = Object.fromEntries(
    programSources(root).map((f) => [f.split(path.sep).join("/"), hash(path.join(root, f))]),
  );
  fs.writeFileSync(path.join(out, STAMP), `${JSON.stringify({ files }, null, 2)}\n`);
}

/**
 * Throws unless the build in `out` was made from the sources now under `root`: every recorded
 * file unchanged, none added or removed.
 */
export function assertFresh(root: string, out: string): void {
  const stamp = path.join(out, STAMP);
  const recorded = fs.existsSync(stamp)
    ? (JSON.parse(fs.readFileSync(stamp, "utf8")) as { files: Record<string, string> }).files
    : {};
  const now = new Set(programSources(root).map((f) => f.split(path.sep).join("/")));
  const changed = [...new Set([...Object.keys(recorded), ...now])].filter(
    (f) => !now.has(f) || recorded[f] !== hash(path.join(root, f)),
  );
  if (changed.length > 0 || Object.keys(recorded).length === 0) {
    throw new Error(
      `The compiled program in ${path.relative(root, out)}/ is not built from the sources here (${changed.length > 0 ? `${changed.slice(0, 5).join(", ")}${changed.length > 5 ? ", ..." : ""} changed` : "no build record"}). Run \`npm run compile\`, then pulumi again: Pulumi runs the compiled program (package.json "main").`,
    );
  }
}
