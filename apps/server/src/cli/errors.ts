/** A failure the CLI reports in one line with its exit code (2: bad arguments or settings). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A listener refused because its port is taken. */
export function portInUse(port: number, host: string, fix: string): CliError {
  return new CliError(`port ${port} on ${host} is already in use: ${fix}`);
}
