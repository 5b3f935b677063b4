/**
 * The policies of the Time Manager monitoring pack, one rule set per platform where they differ:
 * ./docker (docker:* resources), ./kubernetes (kubernetes:* resources) and ./content (what a user
 * sees, the same on both: Grafana's datasources, dashboards and rules, the services' configs).
 * Each policy is exported on its own so that tests call its `validateResource` /
 * `validateStack` directly, without the Pulumi CLI. How the pack tells platforms and
 * environments apart: see ./lib.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { CONTENT_RESOURCE_POLICIES, CONTENT_STACK_POLICIES, GRAFANA_TYPES } from "./content";
import { DOCKER_POLICIES, DOCKER_TYPES } from "./docker";
import {
  KUBERNETES_RESOURCE_POLICIES,
  KUBERNETES_STACK_POLICIES,
  KUBERNETES_TYPES,
} from "./kubernetes";

export * from "./content";
export * from "./docker";
export * from "./kubernetes";
export { DEV_STACK, UNKNOWN, stackOf } from "./lib";

/** Every type token a policy of the pack looks at. */
export const TYPES = { ...DOCKER_TYPES, ...GRAFANA_TYPES, ...KUBERNETES_TYPES } as const;

export const RESOURCE_POLICIES: readonly ResourceValidationPolicy[] = [
  ...DOCKER_POLICIES,
  ...CONTENT_RESOURCE_POLICIES,
  ...KUBERNETES_RESOURCE_POLICIES,
];

export const STACK_POLICIES: readonly StackValidationPolicy[] = [
  ...CONTENT_STACK_POLICIES,
  ...KUBERNETES_STACK_POLICIES,
];
