/**
 * Preloaded into every process the launcher supervises (`node -r ops/register.js -r ops/src/child-guard.ts ...`):
 * a hub or community node must not outlive its launcher. The launcher talks to its children over an IPC channel;
 * when the launcher dies, even by SIGKILL where it can stop nothing, the channel closes and the child stops
 * itself as if sent SIGTERM, so no orphan keeps a port or the database busy. Started without a channel
 * (production, by hand), this does nothing.
 */
export {};

/** How long the child's own SIGTERM handling may take before it exits regardless, in ms. */
const ORPHAN_GRACE_MS = 3000;

if (process.channel) {
  // The channel must not keep an otherwise finished process alive.
  process.channel.unref();
  process.once('disconnect', () => {
    process.kill(process.pid, 'SIGTERM');
    setTimeout(() => process.exit(1), ORPHAN_GRACE_MS).unref();
  });
}
