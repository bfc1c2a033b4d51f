/**
 * The parts of the Prometheus API about scraping and alerting, which RusTs does not do: answered
 * as a Prometheus with no targets, rules, alerts or Alertmanagers answers them, because Grafana
 * and API clients call them (Grafana's alerting pages list a Prometheus datasource's rules) and
 * take a 404 there for a broken datasource.
 */
import type { Context } from 'koa';
import { respondData } from './envelope.ts';

export async function rules(ctx: Context): Promise<void> {
  respondData(ctx, { groups: [] });
}

export async function alerts(ctx: Context): Promise<void> {
  respondData(ctx, { alerts: [] });
}

export async function targets(ctx: Context): Promise<void> {
  respondData(ctx, { activeTargets: [], droppedTargets: [] });
}

export async function targetsMetadata(ctx: Context): Promise<void> {
  respondData(ctx, []);
}

export async function alertmanagers(ctx: Context): Promise<void> {
  respondData(ctx, { activeAlertmanagers: [], droppedAlertmanagers: [] });
}
