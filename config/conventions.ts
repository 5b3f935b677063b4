/**
 * Conventions that the settings, the components and the policy pack share: where a published
 * port is reached, how compose names a project's default network. Pure and free of Pulumi, in
 * config/ so that config/ never imports from components/.
 */

/**
 * Where a published port is reached from the Docker host: localhost when it binds to every
 * interface or to loopback, the bind address otherwise. Pure, so settings and components agree.
 */
export function publishedHost(bindAddress: string): string {
  if (["0.0.0.0", "::", "127.0.0.1", "::1"].includes(bindAddress)) return "localhost";
  return bindAddress.includes(":") ? `[${bindAddress}]` : bindAddress;
}

/** http URL of a published port, e.g. http://localhost:3001. */
export function publishedUrl(bindAddress: string, port: number, path = ""): string {
  return `http://${publishedHost(bindAddress)}:${String(port)}${path}`;
}

/** The compose project whose default network `network` is (`<project>_default`), if it is one. */
export function composeProjectOfDefaultNetwork(network: string): string | undefined {
  return /^(.+)_default$/.exec(network)?.[1];
}

/**
 * Upper bounds (seconds) of the backend's request-duration histogram buckets, +Inf aside: the
 * latency objective's threshold must be one of them, since Prometheus can only count the
 * requests under a bucket boundary. The seed's exposition shows le 0.1, 0.5 and 1.0 among them;
 * the synthetic exporter of the tests serves exactly these. Here, not in
 * components/observability/names.ts (which re-exports it), because the settings validate against
 * it and config/ imports nothing from components/.
 */
export const BACKEND_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;
