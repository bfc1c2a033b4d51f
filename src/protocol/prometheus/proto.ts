/**
 * The remote write and remote read messages as protobufjs types, loaded from the `.proto` files in
 * the repository's `proto/` folder. The hot paths (decoding write requests, encoding read
 * responses) have hand-written codecs that are measured faster; these types decode the small
 * read requests and are what tests and benchmarks use to speak the protocol as a client does.
 */
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { packageFile } from '../../core/index.ts';

export interface PrometheusProto {
  readonly WriteRequest: protobuf.Type;
  readonly WriteRequestV2: protobuf.Type;
  readonly ReadRequest: protobuf.Type;
  readonly ReadResponse: protobuf.Type;
  readonly ChunkedReadResponse: protobuf.Type;
  readonly Histogram: protobuf.Type;
}

let loaded: PrometheusProto | undefined;

/** The message types, loaded once. */
export function prometheusProto(): PrometheusProto {
  if (loaded !== undefined) return loaded;
  const root = new protobuf.Root();
  // Imports name files relative to proto/, as protoc's include path would.
  const protoDir = packageFile('proto');
  root.resolvePath = (_origin, target) => join(protoDir, target);
  root.loadSync(['prometheus/remote.proto', 'io/prometheus/write/v2/types.proto'], { keepCase: false });
  root.resolveAll();
  loaded = {
    WriteRequest: root.lookupType('prometheus.WriteRequest'),
    WriteRequestV2: root.lookupType('io.prometheus.write.v2.Request'),
    ReadRequest: root.lookupType('prometheus.ReadRequest'),
    ReadResponse: root.lookupType('prometheus.ReadResponse'),
    ChunkedReadResponse: root.lookupType('prometheus.ChunkedReadResponse'),
    Histogram: root.lookupType('prometheus.Histogram'),
  };
  return loaded;
}
