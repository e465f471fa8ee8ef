/** Milliseconds the bench's I/O-bound upstream tool (bench/server.ts bastion-io) waits before answering. */
export const IO_MS = 10;
