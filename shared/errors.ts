/**
 * Error codes that cross a boundary (agent → console, console → renderer, CLI → stderr).
 * Each comes with a message a person can act on; the code is for programs and tests.
 */
export const ERROR_CODES = [
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'FORBIDDEN',
  'VERSION_MISMATCH',
  'CERT_MISMATCH',
  'BAD_REQUEST',
  'NOT_FOUND',
  'CONFLICT',
  'BUSY',
  'DEVICE_FAILED',
  'LICENSE',
  'UNREACHABLE',
  'TIMEOUT',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error with a stable code and a human-readable message that says what to do next. */
export class FloeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FloeError';
  }
}

export function isFloeError(value: unknown): value is FloeError {
  return value instanceof FloeError;
}
