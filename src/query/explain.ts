/**
 * EXPLAIN: the plan the executor follows, as text lines, with what the scan pruned. The plan alone
 * cannot say how many partitions, segments and blocks were skipped, so `explainQuery` runs the
 * query (EXPLAIN ANALYZE style), discards its rows and reports the ScanReport the router filled,
 * the series and rows produced and the time taken. It is bound by the same signal and maxPoints
 * as the query itself.
 */
import { emptyScanReport, type ScanReport, type ShardRouter } from '../cluster/index.ts';
import { formatRfc3339Nano, MAX_TIMESTAMP, MIN_TIMESTAMP, type Timestamp } from '../core/index.ts';
import { MEASUREMENT_NAME } from '../index/index.ts';
import { isStreaming } from './accumulators.ts';
import { durationText, type Node } from './compile.ts';
import { conditionFields, tagDisjuncts } from './condition.ts';
import { fieldsToRead, planQuery, runQuery } from './executor.ts';
import type { Condition, LogicalQuery, Operand, QueryContext } from './plan.ts';

export interface ExplainResult {
  /** The plan tree, one step per line, children indented by two spaces. */
  readonly lines: readonly string[];
  /** What the scan read and skipped, summed over shards and measurements. */
  readonly report: ScanReport;
  readonly series: number;
  readonly rows: number;
  readonly elapsedMs: number;
}

function time(t: Timestamp): string {
  if (t <= MIN_TIMESTAMP) return '-inf';
  if (t >= MAX_TIMESTAMP) return '+inf';
  return formatRfc3339Nano(t);
}

function conditionText(c: Condition): string {
  switch (c.kind) {
    case 'and':
    case 'or':
      return `(${conditionText(c.left)} ${c.kind.toUpperCase()} ${conditionText(c.right)})`;
    case 'tag':
      return `${c.matcher.name} ${c.matcher.op} ${JSON.stringify(c.matcher.value)}`;
    case 'field':
      return `${c.field} ${c.op} ${JSON.stringify(c.value)}`;
    case 'fieldRegex':
      return `${c.field} ${c.negate ? '!~' : '=~'} /${c.pattern}/`;
    case 'compare':
      return `${operandText(c.left)} ${c.op} ${operandText(c.right)}`;
  }
}

function operandText(o: Operand): string {
  switch (o.kind) {
    case 'ref':
      return o.cast === undefined ? o.name : `${o.name}::${o.cast}`;
    case 'literal':
      return JSON.stringify(o.value);
    case 'binary':
      return `(${operandText(o.left)} ${o.op} ${operandText(o.right)})`;
  }
}

function nodeText(n: Node, slots: readonly string[]): string {
  switch (n.kind) {
    case 'ref':
      return n.name;
    case 'number':
      return String(n.value);
    case 'slot':
      return slots[n.slot]!;
    case 'points':
      return n.field;
    case 'transform':
      return `${n.fn}(${nodeText(n.input, slots)})`;
    case 'binary':
      return `(${nodeText(n.left, slots)} ${n.op} ${nodeText(n.right, slots)})`;
    case 'math':
      return `${n.fn}(${n.args.map((a) => nodeText(a, slots)).join(', ')})`;
  }
}

/** Runs the query to explain it; see the module comment. */
export async function explainQuery(router: ShardRouter, query: LogicalQuery, ctx: QueryContext): Promise<ExplainResult> {
  const plans = await planQuery(router, query, ctx);
  const lines: string[] = [`EXPLAIN ANALYZE on database ${JSON.stringify(query.database)}`];
  if (plans.length === 0) lines.push('  no measurement matches the FROM clause');
  for (const plan of plans) {
    const { compiled } = plan;
    const { read } = fieldsToRead(plan);
    lines.push(`  measurement ${JSON.stringify(plan.name)}`);
    const disjuncts = tagDisjuncts(query.condition).map((d) => [{ name: MEASUREMENT_NAME, op: '=', value: plan.name }, ...d].map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', '));
    if (plan.input !== undefined) lines.push(`    selection: ${plan.input.length} result series of a subquery`);
    else lines.push(`    selection: ${disjuncts.length > 1 ? `union of ${disjuncts.length} index lookups: [${disjuncts.join('] | [')}]` : `index lookup: ${disjuncts[0]}`}`);
    lines.push(`      fields: ${read.length > 0 ? read.join(', ') : '(none: the measurement has no selected field)'}`);
    const widened = plan.readRange.min !== plan.range.min || plan.readRange.max !== plan.range.max;
    lines.push(`      time: [${time(plan.range.min)}, ${time(plan.range.max)}]${widened ? ` read as [${time(plan.readRange.min)}, ${time(plan.readRange.max)}] for transformations` : ''}`);
    if (conditionFields(query.condition).size > 0) lines.push(`    per-series filter: ${conditionText(query.condition!)} (tag leaves decided once per series, field leaves per row)`);
    const grouping: string[] = [];
    if (plan.groupKeys.length > 0) grouping.push(`tags ${plan.groupKeys.join(', ')}`);
    const t = query.groupBy.time;
    if (t !== undefined) grouping.push(`time(${durationText(t.interval)}${t.offset !== 0n ? `, ${durationText(t.offset)}` : ''})`);
    lines.push(`    grouping: ${grouping.length > 0 ? grouping.join('; ') : 'none'}`);
    if (compiled.mode === 'raw') {
      lines.push(`    rows: ${compiled.outputs.map((n) => nodeText(n, [])).join(', ')} merged by time across each group's series`);
    } else {
      const slots = compiled.slots.map((s) => `${s.ofDistinct ? 'count(distinct(' : `${s.fn}(`}${s.field}${s.ofDistinct ? '))' : ')'}`);
      lines.push('    aggregation:');
      compiled.slots.forEach((s, i) => {
        const how = isStreaming(s, compiled.hasAux) ? 'streaming per bucket' : 'keeps the bucket\'s points';
        lines.push(`      ${slots[i]}${s.extended ? ' (+1 bucket for a transformation)' : ''}: ${how}`);
      });
      if (t !== undefined) lines.push(`    fill: ${compiled.fill.kind === 'value' ? compiled.fill.value : compiled.fill.kind}`);
      lines.push(`    projections: ${compiled.outputs.map((n) => nodeText(n, slots)).join(', ')}`);
    }
    const limits = [`order time ${compiled.order}`];
    if (query.limit || query.offset) limits.push(`limit ${query.limit ?? 0} offset ${query.offset ?? 0}`);
    if (query.slimit || query.soffset) limits.push(`slimit ${query.slimit ?? 0} soffset ${query.soffset ?? 0}`);
    lines.push(`    ${limits.join('; ')}`);
  }

  const report = emptyScanReport();
  const start = performance.now();
  let series = 0;
  let rows = 0;
  for await (const s of runQuery(router, query, ctx, report)) {
    series++;
    rows += s.values.length;
  }
  const elapsedMs = performance.now() - start;
  lines.push(
    `  scan: shards ${report.shards}; partitions ${report.partitionsScanned} of ${report.partitionsTotal} scanned; series matched ${report.seriesMatched}; ` +
      `segments read ${report.segmentsRead}, skipped by bloom filter ${report.segmentsSkippedByBloom}; blocks read ${report.blocksRead}, skipped by time ${report.blocksSkippedByTime}; points read ${report.pointsRead}`,
  );
  lines.push(`  result: ${series} series, ${rows} rows in ${elapsedMs.toFixed(1)} ms`);
  return { lines, report, series, rows, elapsedMs };
}
