import * as fs from "node:fs";
import * as path from "node:path";
import { BIND_ALL_LABEL as PROGRAM_BIND_ALL_LABEL } from "../../components/observability/names";
import { BIND_ALL_LABEL } from "../../policy/policies";

const POLICY = path.join(__dirname, "..", "..", "policy");
const MODULES = fs.readdirSync(POLICY).filter((f) => f.endsWith(".ts"));

/** Every module specifier a TypeScript file imports or re-exports. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(POLICY, file), "utf8");
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((m) => m[1]);
}

describe("policy/ stands on its own: a pack is loaded and published without the program", () => {
  it("finds every import of a module, multi-line ones included", () => {
    expect(importsOf("content.ts")).toEqual([
      "@pulumi/policy",
      "yaml",
      "./docker",
      "./kubernetes",
      "./lib",
    ]);
  });

  it.each(MODULES)("%s imports only packages and policy/'s own modules", (file) => {
    expect(importsOf(file).filter((specifier) => specifier.startsWith("../"))).toEqual([]);
  });

  it("keeps the program's bind-all label, which it does not import", () => {
    expect(BIND_ALL_LABEL).toEqual(PROGRAM_BIND_ALL_LABEL);
  });
});
