/** A small structured logger: one JSON line per event on stderr, so stdout stays for what people read. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, error?: unknown, fields?: Record<string, unknown>): void;
}

export function createLogger(
  component: string,
  quiet = process.env.LILONG_LOG === 'silent',
  out: { write(line: string): unknown } = process.stderr,
): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (quiet && level !== 'error') return;
    out.write(`${JSON.stringify({ time: new Date().toISOString(), level, component, message, ...fields })}\n`);
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, error, fields) =>
      write('error', message, { ...fields, error: error instanceof Error ? (error.stack ?? error.message) : error }),
  };
}
