// The floor: the same mocks, then every node_modules file the program loaded, in the order it
// loaded them (recorded by a warm-up run of program.ts), and nothing of the program.
import { createRequire } from "node:module";
import * as fs from "node:fs";
import { report } from "./mocks";

const list = process.env.BENCH_MODULES_IN;
if (list === undefined) throw new Error("BENCH_MODULES_IN: the program's module list is required");
const load = createRequire(__filename);
for (const file of JSON.parse(fs.readFileSync(list, "utf8")) as string[]) load(file);

void report();
