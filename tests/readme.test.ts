import * as fs from "node:fs";
import * as path from "node:path";
import { KEYS } from "../config/keys";

const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");

describe("README", () => {
  test.each(Object.entries(KEYS))("documents the setting %s with its default", (key, spec) => {
    const row = readme.split("\n").find((line) => line.startsWith(`| \`${key}\` |`));
    expect(row).toBeDefined();
    const defaultCell =
      "default" in spec ? `\`${JSON.stringify(spec.default)}\`` : "see description";
    expect(row?.split(" | ")[2]).toBe(defaultCell);
  });

  test("names the test command CI runs", () => {
    expect(readme).toContain("```bash\nnpm test\n```");
    expect(fs.readFileSync(path.join(__dirname, "..", ".ci", "run"), "utf8")).toMatch(
      /^npm test$/m,
    );
  });
});
