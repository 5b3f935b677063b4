// The entry point Pulumi runs (package.json "main", compiled to dist/ by `npm run compile`): the
// program, once the build is known to be made from the sources in the project.
import * as path from "node:path";
import { assertFresh } from "./fresh";

const root = path.join(__dirname, "..", "..", "..");
assertFresh(root, path.join(root, "dist"));

// Loaded after the check, not as an import (imports run first); its exports are the stack's outputs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
module.exports = require("../../index") as unknown;
