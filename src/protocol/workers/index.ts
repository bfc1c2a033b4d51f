/** Worker threads that decode write bodies (line protocol, remote write) beside the main thread. */
export { ParsePool, type ParsedBody, type RemoteWriteBody } from './pool.ts';
