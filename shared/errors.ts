/** The AppError family: a stable machine code, an HTTP status and optional field details. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: FieldIssue[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const Errors = {
  validation: (details: FieldIssue[], message = 'The request has invalid fields.') =>
    new AppError('VALIDATION_FAILED', message, 422, details),
  badRequest: (message: string) => new AppError('BAD_REQUEST', message, 400),
  unsupportedMediaType: (expected: string) =>
    new AppError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be ${expected}.`, 415),
  payloadTooLarge: (limit: number) =>
    new AppError('PAYLOAD_TOO_LARGE', `The body is larger than ${limit} bytes.`, 413),
  notFound: (what: string) => new AppError('NOT_FOUND', `${what} was not found.`, 404),
  conflict: (code: string, message: string) => new AppError(code, message, 409),
  unavailable: (what: string) =>
    new AppError(
      'SERVICE_UNAVAILABLE',
      `${what} is unavailable; nothing was stored. Try again shortly.`,
      503,
    ),
} as const;
