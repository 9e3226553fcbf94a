// A problem the user can fix (bad file, bad setting), as one sentence they understand.
// Everything else is a bug and keeps its stack. The CLI maps UserError to exit code 2.

export class UserError extends Error {
  override name = 'UserError';
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
