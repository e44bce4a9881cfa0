import type { IncomingMessage, ServerResponse } from 'node:http';

/** Placeholder until the offline explorer page lands. */
export function serveExplorer(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<p>Lilong hub: POST GraphQL to /graphql</p>');
}
