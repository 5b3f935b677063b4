// After `tsc -p tsconfig.build.json` (npm run compile): records the sources dist/ was built from.
import * as path from "node:path";
import { writeStamp } from "./fresh";

const root = path.join(__dirname, "..", "..", "..");
writeStamp(root, path.join(root, "dist"));
