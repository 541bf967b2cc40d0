/**
 * Errors meant for the person at the keyboard. They carry an exit code for the CLI and an HTTP status
 * for the API; anything that is not an SvoError is a bug and is reported generically.
 */
export class SvoError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command-line or API input (exit 2). */
export class UsageError extends SvoError {
  constructor(message: string, hint?: string) {
    super(message, 2, hint);
  }
}

/** A whole file cannot be ingested: nothing from it is stored (exit 3). */
export class FileRejectedError extends SvoError {
  constructor(
    readonly file: string,
    message: string,
    hint?: string,
  ) {
    super(`${file}: ${message}`, 3, hint);
  }
}
