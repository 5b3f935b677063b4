import * as fs from "node:fs";
import * as path from "node:path";
import { KEYS } from "../config/keys";

const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
const tableRows = readme
  .split("\n")
  .filter((line) => line.startsWith("|"))
  .map((line) => line.split("|").map((cell) => cell.trim()));

describe("README", () => {
  test.each(Object.entries(KEYS))("documents the setting %s with its default", (key, spec) => {
    const row = tableRows.find((cells) => cells[1] === `\`${key}\``);
    const defaultCell =
      "default" in spec ? `\`${JSON.stringify(spec.default)}\`` : "see description";
    expect(row?.[3]).toBe(defaultCell);
  });

  test("names the test command CI runs", () => {
    expect(readme).toContain("```bash\nnpm test\n```");
    expect(fs.readFileSync(path.join(__dirname, "..", ".ci", "run"), "utf8")).toMatch(
      /^npm test$/m,
    );
  });
});
