/**
 * The Time Manager monitoring policy pack: `pulumi preview --policy-pack policy`. The policies
 * are in ./policies, where tests call them directly.
 */
import { PolicyPack } from "@pulumi/policy";
import { RESOURCE_POLICIES, STACK_POLICIES } from "./policies";

new PolicyPack("timemanager-monitoring", {
  policies: [...RESOURCE_POLICIES, ...STACK_POLICIES],
});
