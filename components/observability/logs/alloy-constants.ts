/**
 * Alloy's own names: its network alias, port and paths inside the container. Kept here until a
 * second component needs them (then they move to ../names).
 */
import { LOG_SHIPPER } from "../names";

export const ALLOY = {
  /** Service name: container `<prefix>-alloy`, network alias and compose service label. */
  host: "alloy",
  /**
   * HTTP server: UI, /metrics, /-/ready. Promtail's port rather than Alloy's 12345, so that the
   * log shipper is log-shipper:9080 whichever runs.
   */
  port: LOG_SHIPPER.port,
  /** The image's CMD reads this path. */
  configPath: "/etc/alloy/config.alloy",
  /** `--storage.path`: components keep their state (loki.source.docker's positions) here. */
  dataPath: "/var/lib/alloy/data",
} as const;
