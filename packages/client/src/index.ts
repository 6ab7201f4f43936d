export type * from '@crux/contracts';
export type { ChatStreamOptions } from './chat-stream.ts';
export { type CruxClient, createCruxClient } from './client.ts';
export { type ClientErrorCode, CruxApiError } from './errors.ts';
export type { CruxClientOptions, TokenSource } from './http.ts';
export type { TokenPair } from './session-renewal.ts';
