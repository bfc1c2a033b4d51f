import { RustsError } from '../../core/index.ts';
import type { Pos } from './scanner.ts';

/**
 * An InfluxQL statement that does not parse. The message is influxd 1.6's, prefix included, since
 * the influx adapter sends it as is and clients show it to people who know InfluxDB:
 * `error parsing query: found EOF, expected FROM at line 1, char 15`. `detail` is the part after
 * the prefix and before the position.
 */
export class InfluxQLParseError extends RustsError {
  constructor(
    readonly detail: string,
    readonly pos?: Pos,
  ) {
    super('influxql_parse', `error parsing query: ${detail}${pos === undefined ? '' : ` at line ${pos.line}, char ${pos.char}`}`);
  }
}
