import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumiType from "@pulumi/pulumi";
import { parse } from "yaml";
import { type Key, KEYS } from "../../config/keys";

export const PROJECT = "timemanager-monitoring";
const ROOT = path.join(__dirname, "..", "..");

/** One resource the program registered, with the inputs and options it gave. */
export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly parent?: string;
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  readonly deleteBeforeReplace?: boolean;
  /**
   * Present, and true, when the program set `deleteBeforeReplace: false`: the engine then creates
   * the replacement before it deletes the old resource, whatever the provider asks for.
   */
  readonly createBeforeDelete?: true;
  readonly ignoreChanges: string[];
  /** The `replaceOnChanges` option, when the program gave one. */
  readonly replaceOnChanges?: string[];
  readonly dependsOn: string[];
  /**
   * The resources each input's value comes from (an Output of theirs), by input, when any does:
   * what the engine follows when a delete-before-replace must take dependents with it.
   */
  readonly propertyDependencies?: Record<string, string[]>;
  /** The explicit provider's reference (`<urn>::<id>`), when one was given. */
  readonly provider?: string;
}

export interface ProgramRun {
  readonly resources: Registered[];
  readonly outputs: Record<string, unknown>;
}

/** The `config:` map of a committed stack file, as Pulumi hands it to the program. */
export function stackFileConfig(stack: string): Record<string, string> {
  const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown> | null;
  };
  return Object.fromEntries(
    Object.entries(file.config ?? {}).map(([k, v]) => [
      k,
      typeof v === "string" ? v : JSON.stringify(v),
    ]),
  );
}

/** Resolves every Output inside a value (outputs are plain objects of Outputs). */
async function resolve(pulumi: typeof pulumiType, value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return new Promise((ok) => value.apply(ok));
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolve(pulumi, v)));
  if (value !== null && typeof value === "object") {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await resolve(pulumi, v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/** The part of Pulumi's mock monitor this harness wraps. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean | undefined;
  getDeletebeforereplacedefined(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(callback: (deps: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getProvider(): string;
}
type MonitorClass = {
  prototype: {
    registerResource: (this: unknown, req: RegisterRequest, callback: unknown) => unknown;
  };
};

/** A resource's name: the last part of its URN. */
const nameOfUrn = (urn: string): string => urn.split("::").pop() ?? urn;

/** Mocked state a real provider would compute. */
function computedState(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type === "docker:index/remoteImage:RemoteImage") return { imageId: String(inputs.name) };
  return {};
}

/** A run that may have failed: what the program threw, and what it registered before. */
export interface ProgramAttempt {
  readonly resources: Registered[];
  /** What loading index.ts threw; undefined when it did not throw. */
  readonly failure: unknown;
}

/** Options of one run. */
export interface RunOptions {
  /**
   * Program modules swapped for this run only, by path relative to the repository root (such as
   * `components/observability/grafana/panels`): the factory gets the real module and returns what the program
   * imports instead, so a test can stand for a code edit. Later runs load the real modules again.
   */
  readonly modules?: Readonly<Record<string, (actual: never) => unknown>>;
  /**
   * DOCKER_HOST and DOCKER_CONTEXT as the program sees them; unset by default, whatever the test
   * process has.
   */
  readonly dockerEnv?: { readonly DOCKER_HOST?: string; readonly DOCKER_CONTEXT?: string };
}

/** Loads a module inside a run's own module registry: a path from the repository root, or a package. */
export type ModuleLoader = (module: string) => unknown;

/** What a body run under mocks registered, and what it returned (undefined when it threw). */
interface Mocked<T> extends ProgramAttempt {
  readonly pulumi: typeof pulumiType;
  readonly value: T | undefined;
}

/** The keys of `config` a user sets with `--secret`: the default secret keys of a run. */
function setWithSecret(config: Record<string, string>): string[] {
  return Object.keys(config).filter((k) => {
    const key = k.startsWith(`${PROJECT}:`) ? k.slice(PROJECT.length + 1) : k;
    return key in KEYS && "secret" in KEYS[key as Key];
  });
}

/**
 * Runs index.ts under Pulumi mocks for `stack` with `config` (keys without the project prefix
 * are prefixed), and returns every resource it registered and its stack outputs.
 */
export async function runProgram(
  stack: string,
  config: Record<string, string>,
  secretKeys: readonly string[] = setWithSecret(config),
  options: RunOptions = {},
): Promise<ProgramRun> {
  const { resources, failure, pulumi, value } = await loadProgram(
    stack,
    config,
    secretKeys,
    options,
  );
  throwFailure(failure);
  const outputs = (await resolve(pulumi, value)) as Record<string, unknown>;
  return { resources, outputs };
}

/**
 * Like {@link runProgram}, but returns what the program threw instead of throwing, with every
 * resource registered up to then (pending registrations included), so a test can assert that a
 * failed run registered nothing.
 */
export async function attemptProgram(
  stack: string,
  config: Record<string, string>,
  secretKeys: readonly string[] = setWithSecret(config),
  options: RunOptions = {},
): Promise<ProgramAttempt> {
  const { resources, failure } = await loadProgram(stack, config, secretKeys, options);
  return { resources, failure };
}

function throwFailure(failure: unknown): void {
  if (failure instanceof Error) throw failure;
  if (failure !== undefined) throw new Error(JSON.stringify(failure));
}

/** What a component registered under mocks, and its outputs, resolved. */
export interface ComponentRun {
  readonly resources: Registered[];
  /** The component's own outputs (its public Output properties), by name. */
  readonly outputs: Record<string, unknown>;
}

/**
 * Registers one component under Pulumi mocks with its own args, as the Pulumi component
 * libraries test theirs: `build` loads the component's module through `load` (so that it shares
 * this run's @pulumi/pulumi and mocks), constructs it and returns it (or an object of the
 * outputs to check). The result holds every resource registered, the component included, and
 * the returned object's Output properties, resolved. `config` is the stack config the run
 * sees, for a component built from settings.
 */
export async function runComponent(
  build: (load: ModuleLoader) => object,
  {
    stack = "test",
    config = {},
    secretKeys = setWithSecret(config),
  }: { stack?: string; config?: Record<string, string>; secretKeys?: readonly string[] } = {},
): Promise<ComponentRun> {
  const { resources, failure, pulumi, value } = await underMocks(
    stack,
    config,
    secretKeys,
    {},
    build,
  );
  throwFailure(failure);
  const outputs: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(value ?? {}))
    if (pulumi.Output.isInstance(output)) outputs[name] = await resolve(pulumi, output);
  return { resources, outputs };
}

function loadProgram(
  stack: string,
  config: Record<string, string>,
  secretKeys: readonly string[],
  options: RunOptions,
): Promise<Mocked<Record<string, unknown>>> {
  return underMocks(
    stack,
    config,
    secretKeys,
    options,
    (load) => load("index") as Record<string, unknown>,
  );
}

/**
 * Runs `body` in a module registry of its own, under Pulumi mocks for `stack` with `config`,
 * recording every resource registered and the options it was given.
 */
async function underMocks<T>(
  stack: string,
  config: Record<string, string>,
  secretKeys: readonly string[],
  options: RunOptions,
  body: (load: ModuleLoader) => T,
): Promise<Mocked<T>> {
  const resources: Registered[] = [];
  const full = (k: string) => (k.includes(":") ? k : `${PROJECT}:${k}`);
  let pulumi!: typeof pulumiType;
  let value: T | undefined;
  let failure: unknown;
  let waitForRPCs!: () => Promise<void>;
  await new Promise<void>((done) => {
    jest.isolateModules(() => {
      pulumi = jest.requireActual<typeof pulumiType>("@pulumi/pulumi");
      void pulumi.runtime.setMocks(
        {
          newResource: (args) => {
            const inputs = args.inputs as Record<string, unknown>;
            const entry = resources.find((r) => r.type === args.type && r.name === args.name);
            if (entry) Object.assign(entry.inputs, inputs);
            return {
              id: `${args.name}-id`,
              state: { ...inputs, ...computedState(args.type, inputs) },
            };
          },
          call: (args) => args.inputs as Record<string, unknown>,
        },
        PROJECT,
        stack,
        false,
      );
      pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(config).map(([k, v]) => [full(k), v])),
        secretKeys.map(full),
      );
      // The mocks see only inputs; the resource options travel in the monitor's request.
      const { MockMonitor } = jest.requireActual<{ MockMonitor: MonitorClass }>(
        "@pulumi/pulumi/runtime/mocks",
      );
      const original = MockMonitor.prototype.registerResource;
      MockMonitor.prototype.registerResource = function (req, callback) {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps, key) => {
          const names = deps.getUrnsList().map(nameOfUrn);
          if (names.length > 0) propertyDependencies[key] = names;
        });
        resources.push({
          type: req.getType(),
          name: req.getName(),
          inputs: {},
          parent: req.getParent() ? nameOfUrn(req.getParent()) : undefined,
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
          deleteBeforeReplace: req.getDeletebeforereplace(),
          ...(req.getDeletebeforereplacedefined() && req.getDeletebeforereplace() !== true
            ? { createBeforeDelete: true }
            : {}),
          ignoreChanges: req.getIgnorechangesList(),
          ...(req.getReplaceonchangesList().length > 0
            ? { replaceOnChanges: req.getReplaceonchangesList() }
            : {}),
          dependsOn: req.getDependenciesList().map(nameOfUrn),
          ...(Object.keys(propertyDependencies).length > 0 ? { propertyDependencies } : {}),
          provider: req.getProvider() || undefined,
        });
        return original.call(this, req, callback);
      };
      ({ waitForRPCs } = jest.requireActual<{ waitForRPCs: () => Promise<void> }>(
        "@pulumi/pulumi/runtime/settings",
      ));
      // Swapped modules: registered before index.ts loads, withdrawn once it has loaded, so the
      // next run (and any other require) gets the real module.
      const swapped = Object.entries(options.modules ?? {}).map(([relative, factory]) => {
        const file = require.resolve(path.join(ROOT, relative));
        jest.doMock(file, () => factory(jest.requireActual<never>(file)));
        return file;
      });
      const saved = {
        DOCKER_HOST: process.env.DOCKER_HOST,
        DOCKER_CONTEXT: process.env.DOCKER_CONTEXT,
      };
      const setEnv = (values: Partial<Record<keyof typeof saved, string>>): void => {
        if (values.DOCKER_HOST === undefined) delete process.env.DOCKER_HOST;
        else process.env.DOCKER_HOST = values.DOCKER_HOST;
        if (values.DOCKER_CONTEXT === undefined) delete process.env.DOCKER_CONTEXT;
        else process.env.DOCKER_CONTEXT = values.DOCKER_CONTEXT;
      };
      setEnv(options.dockerEnv ?? {});
      const load: ModuleLoader = (module) =>
        jest.requireActual<object>(module.startsWith("@") ? module : path.join(ROOT, module));
      try {
        value = body(load);
      } catch (e) {
        failure = e;
      } finally {
        for (const file of swapped) jest.dontMock(file);
        setEnv(saved);
      }
      done();
    });
  });
  // Wait for every registration and output report to reach this run's monitor, so none of
  // them lands on the next run's.
  await waitForRPCs();
  return { resources, failure, pulumi, value };
}
