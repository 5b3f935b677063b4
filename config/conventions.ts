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
