/**
 * Failpoints: named places where a test can make the node die as a crash would, to prove that work spanning two
 * processes recovers (the borrowing saga). `LILONG_FAILPOINT=relay-apply:after-commit` makes the process SIGKILL
 * itself the first time it reaches that place: no handler runs, no transaction commits after it, no answer is
 * sent. Without the variable (always, outside such tests) a failpoint is one string comparison.
 */
const armed = process.env.LILONG_FAILPOINT ?? '';

export type FailpointName =
  | 'offer:after-commit'
  | 'outbox:after-commit'
  | 'relay-apply:before-commit'
  | 'relay-apply:after-commit'
  | 'relay-settle:before-commit'
  | 'relay-settle:after-commit';

export function failpoint(name: FailpointName): void {
  if (armed !== '' && armed === name) process.kill(process.pid, 'SIGKILL');
}
