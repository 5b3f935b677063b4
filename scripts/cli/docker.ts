import * as http from "node:http";
import { type StackSettings, stringSetting } from "./stack-file";

/** Where the Docker engine is asked whether it answers, or why it is not asked. */
export type DockerProbe =
  | { readonly kind: "socket"; readonly host: string; readonly socketPath: string }
  | { readonly kind: "tcp"; readonly host: string; readonly url: string }
  | { readonly kind: "skip"; readonly reason: string };

/** The Docker provider's default host, as the Docker CLI's. */
export function defaultDockerHost(platform: NodeJS.Platform): string {
  return platform === "win32" ? "npipe:////./pipe/docker_engine" : "unix:///var/run/docker.sock";
}

const TLS_SETTINGS = ["docker:certPath", "docker:caMaterial", "docker:certMaterial"];

/**
 * Whether and where to ping the Docker engine before anything runs. It follows the Docker
 * provider's own order (docker:context or DOCKER_CONTEXT, then docker:host, then DOCKER_HOST, then
 * the default socket), and asks only what a plain HTTP GET can: a local socket, or tcp:// without
 * TLS. A context, ssh://, TLS and anything else are left to the provider, which reports them.
 */
export function dockerProbe(
  settings: StackSettings,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
): DockerProbe {
  const stackPlatform = stringSetting(settings, "platform") ?? "docker";
  if (stackPlatform !== "docker") return { kind: "skip", reason: `platform ${stackPlatform}` };

  const context = stringSetting(settings, "docker:context") ?? env.DOCKER_CONTEXT;
  if (context !== undefined && context !== "" && context !== "default") {
    return { kind: "skip", reason: `Docker context ${context}` };
  }
  const configured = stringSetting(settings, "docker:host") ?? env.DOCKER_HOST;
  const host =
    configured !== undefined && configured !== "" ? configured : defaultDockerHost(platform);

  const match = /^([a-z]+):\/\/(.*)$/i.exec(host.trim());
  const scheme = match?.[1].toLowerCase();
  const rest = match?.[2] ?? "";
  if (scheme === "unix") return { kind: "socket", host, socketPath: rest };
  if (scheme === "npipe") {
    // npipe:////./pipe/docker_engine is the pipe \\.\pipe\docker_engine.
    return { kind: "socket", host, socketPath: rest.replace(/\//g, "\\") };
  }
  if (scheme === "tcp" || scheme === "http") {
    const tls =
      TLS_SETTINGS.some((key) => settings[key] !== undefined) ||
      (env.DOCKER_TLS_VERIFY ?? "") !== "" ||
      (env.DOCKER_CERT_PATH ?? "") !== "";
    if (tls) return { kind: "skip", reason: `${host} with TLS` };
    return { kind: "tcp", host, url: `http://${rest.replace(/\/+$/, "")}/_ping` };
  }
  return { kind: "skip", reason: host };
}

/** The answer of a ping: reachable, or why not (with the socket error's code, if any). */
export type PingResult =
  { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly code?: string };

const ERRORS: Readonly<Record<string, string>> = {
  ENOENT: "no such socket",
  ECONNREFUSED: "connection refused",
  EACCES: "permission denied",
  ENOTFOUND: "unknown host",
  EHOSTUNREACH: "host unreachable",
};

/**
 * GET /_ping on the engine (the Docker API's health check), within `timeoutMs`. Only an HTTP 200
 * counts: a refused, missing or silent socket, or any other status, is unreachable.
 */
export function pingDocker(
  probe: Exclude<DockerProbe, { kind: "skip" }>,
  timeoutMs = 3000,
): Promise<PingResult> {
  return new Promise((resolve) => {
    const options: http.RequestOptions = { method: "GET", timeout: timeoutMs };
    const request =
      probe.kind === "socket"
        ? http.request({ ...options, socketPath: probe.socketPath, path: "/_ping" })
        : http.request(probe.url, options);
    request.on("response", (response) => {
      response.resume();
      resolve(
        response.statusCode === 200
          ? { ok: true }
          : { ok: false, reason: `it answered /_ping with HTTP ${String(response.statusCode)}` },
      );
    });
    request.on("timeout", () => {
      request.destroy();
      resolve({ ok: false, reason: `no answer within ${String(timeoutMs / 1000)} s` });
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      const known = error.code === undefined ? undefined : ERRORS[error.code];
      resolve({ ok: false, reason: known ?? error.message, code: error.code });
    });
    request.end();
  });
}

/** The one message for an engine that does not answer; nothing has been touched yet. */
export function dockerUnreachable(
  probe: Exclude<DockerProbe, { kind: "skip" }>,
  result: Exclude<PingResult, { ok: true }>,
): string {
  const hint =
    result.code === "EACCES"
      ? "Your user may not use the socket: add it to the docker group (then log in again), or use rootless Docker with DOCKER_HOST."
      : "Start Docker, or point DOCKER_HOST (or the stack's docker:host) at your engine, e.g. the Host that `docker context inspect` prints.";
  return [
    `The Docker engine at ${probe.host} does not answer (${result.reason}): nothing was changed.`,
    hint,
  ].join("\n");
}
