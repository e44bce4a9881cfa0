/**
 * A spare process for restarts: it loads a service's code ahead of need (LILONG_SPARE_PRELOAD: module paths, JSON),
 * then waits. When a node crashes, the launcher hands the spare that node's environment and entry module over the
 * IPC channel, and the spare becomes the node: loading the code is most of a node's start-up (2-4 s of 4-7 s on a
 * busy machine), so the community is back that much sooner. Run by supervisor.ts, never by hand.
 */
export {};

interface Adoption {
  entry: string;
  env: NodeJS.ProcessEnv;
  title?: string;
}

for (const module of JSON.parse(process.env.LILONG_SPARE_PRELOAD ?? '[]') as string[]) require(module);

process.once('message', (message: { adopt?: Adoption }) => {
  const adoption = message.adopt;
  if (!adoption) return;
  // From here on the entry's own work keeps the process alive, as in a freshly started one (child-guard.ts).
  process.channel?.unref();
  delete process.env.LILONG_SPARE_PRELOAD;
  // Configuration is read from the environment when the entry runs, not when the preloaded modules loaded.
  Object.assign(process.env, adoption.env);
  if (adoption.title) process.title = adoption.title;
  require(adoption.entry);
});
// Waiting for the message is all a spare does: the channel must keep it alive (child-guard.ts unref'd it).
process.channel?.ref();
process.send?.({ spareReady: true });
