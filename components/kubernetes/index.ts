import type { Settings } from "../../config";
import type { PlatformStack } from "../platform";

export function deployKubernetes(settings: Settings): PlatformStack {
  throw new Error(`platform kubernetes is not built yet (${settings.stack})`);
}
