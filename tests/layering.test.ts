import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");

/** Every TypeScript file under `folder`, relative to the repository root. */
function sources(folder: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(folder, f));
}

/** The modules a file imports, resolved to paths relative to the root when they are local. */
function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  return [...text.matchAll(/^(?:import|export)[^"']*from\s+["']([^"']+)["']/gm)].map(([, spec]) =>
    spec.startsWith(".")
      ? path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec))
      : spec,
  );
}

const offenders = (folders: string[], forbidden: (spec: string) => boolean) =>
  folders.flatMap(sources).flatMap((file) =>
    imports(file)
      .filter(forbidden)
      .map((spec) => `${file} -> ${spec}`),
  );

describe("the layers import downwards only", () => {
  it("finds the imports it checks (the scan itself works)", () => {
    expect(imports("config/parse.ts")).toContain(path.join("config", "conventions"));
  });

  it("config/ imports nothing from components/, policy/, scripts/ or tests/", () => {
    expect(offenders(["config"], (s) => /^(components|policy|scripts|tests)\//.test(s))).toEqual(
      [],
    );
  });

  it("the benchmark and the scripts import nothing from tests/", () => {
    expect(offenders(["scripts"], (s) => s.startsWith("tests/"))).toEqual([]);
  });

  it("the platform-neutral content has no Pulumi and knows no platform", () => {
    expect(
      offenders(
        ["components/observability"],
        (s) => s.startsWith("@pulumi/") || /^components\/(docker|kubernetes|grafana)\//.test(s),
      ),
    ).toEqual([]);
  });

  it("neither platform imports the other", () => {
    expect(offenders(["components/docker"], (s) => s.startsWith("components/kubernetes/"))).toEqual(
      [],
    );
    expect(offenders(["components/kubernetes"], (s) => s.startsWith("components/docker/"))).toEqual(
      [],
    );
  });
});
