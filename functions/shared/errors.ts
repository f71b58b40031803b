/**
 * Errors a handler may answer with. Anything else is an internal error: logged with its stack,
 * answered as 500 INTERNAL with no detail (no stack trace ever leaves the process).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** extra response headers (Retry-After, RateLimit-*) */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string): AppError => new AppError(400, code, message);
export const unauthorized = (message = 'authentication required', code = 'UNAUTHORIZED'): AppError => new AppError(401, code, message);
export const conflict = (code: string, message: string): AppError => new AppError(409, code, message);
export const tooManyRequests = (retryAfterS: number, message = 'too many requests', headers: Record<string, string> = {}): AppError =>
  new AppError(429, 'RATE_LIMITED', message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterS))), ...headers });
export const unavailable = (retryAfterS: number, message = 'service temporarily unavailable'): AppError =>
  new AppError(503, 'UNAVAILABLE', message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterS))) });
