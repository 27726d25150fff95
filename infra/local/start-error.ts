/**
 * A reason `npm start` gives up that the user can act on: its message is the whole report (one
 * line, no stack), and nothing the start began is left running.
 */
export class LocalStartError extends Error {
  override name = 'LocalStartError';
}
