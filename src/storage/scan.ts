/**
 * What a read learned about the data it skipped and touched: EXPLAIN shows it, so that an operator
 * can see whether time pruning and bloom filters did their job. Counters only grow; one report may
 * gather several scans (every shard of a database).
 */
export interface ScanReport {
  shards: number;
  partitionsTotal: number;
  partitionsScanned: number;
  seriesMatched: number;
  segmentsSkippedByBloom: number;
  segmentsRead: number;
  blocksRead: number;
  blocksSkippedByTime: number;
  pointsRead: number;
}

export function emptyScanReport(): ScanReport {
  return {
    shards: 0,
    partitionsTotal: 0,
    partitionsScanned: 0,
    seriesMatched: 0,
    segmentsSkippedByBloom: 0,
    segmentsRead: 0,
    blocksRead: 0,
    blocksSkippedByTime: 0,
    pointsRead: 0,
  };
}
