// The mocks must be set before the program loads: this import comes first.
import { recordModules, report } from "./mocks";
import "../../../index";

void report().then(recordModules);
