// Retention enforcement: expired partitions of retention policies are dropped on a schedule.
export { RetentionEnforcer, type RetentionEnforcerOptions } from './enforcer.ts';
