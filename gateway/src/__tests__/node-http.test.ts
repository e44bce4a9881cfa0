/**
 * The hub's HTTP to nodes (node-http.ts), against real servers on port 0: answers, the size limit, timeouts, a node
 * that is not there, and a kept-alive socket the node closed between two calls.
 */
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AnswerTooLarge, postToNode } from '../routing/node-http';

const servers: Server[] = [];

async function serve(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/shops/graphql`, server, sockets };
}

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const timeout = () => AbortSignal.timeout(2000);

it('posts the body with its headers and reads the whole answer, over one kept-alive socket', async () => {
  const seen: { body: string; type?: string; length?: string; assertion?: string }[] = [];
  const { url, sockets } = await serve((req, res, body) => {
    seen.push({ body, type: req.headers['content-type'], length: req.headers['content-length'], assertion: req.headers['x-test'] as string });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ data: { echo: JSON.parse(body) } }));
  });
  const body = JSON.stringify({ query: '{ 接龙 }' });
  const first = await postToNode(url, { 'content-type': 'application/json', 'x-test': 'a' }, body, timeout(), 1024);
  const second = await postToNode(url, { 'content-type': 'application/json', 'x-test': 'b' }, body, timeout(), 1024);
  expect(first.status).toBe(200);
  expect(JSON.parse(first.text)).toEqual({ data: { echo: { query: '{ 接龙 }' } } });
  expect(second.text).toBe(first.text);
  expect(seen).toEqual([
    { body, type: 'application/json', length: String(Buffer.byteLength(body)), assertion: 'a' },
    { body, type: 'application/json', length: String(Buffer.byteLength(body)), assertion: 'b' },
  ]);
  expect(sockets.size).toBe(1);
});

it('refuses an answer past the limit, declared or streamed, without reading the rest', async () => {
  const { url } = await serve((req, res) => {
    if (req.url?.endsWith('declared')) {
      res.setHeader('content-length', '5000');
      res.end('x'.repeat(5000));
    } else {
      res.write('x'.repeat(800));
      setTimeout(() => res.end('x'.repeat(800)), 20);
    }
  });
  await expect(postToNode(`${url}?declared`, {}, '{}', timeout(), 1024)).rejects.toBeInstanceOf(AnswerTooLarge);
  await expect(postToNode(`${url}?streamed`, {}, '{}', timeout(), 1024)).rejects.toBeInstanceOf(AnswerTooLarge);
  // The limit itself is fine.
  await expect(postToNode(`${url}?streamed`, {}, '{}', timeout(), 1600)).resolves.toMatchObject({ status: 200 });
});

it('rejects with the signal’s TimeoutError when the node does not answer in time, or stops mid-answer', async () => {
  const { url } = await serve((req, res) => {
    if (req.url?.endsWith('half')) res.write('{"data":');
    // Otherwise: never answers.
  });
  const silent = postToNode(url, {}, '{}', AbortSignal.timeout(150), 1024);
  await expect(silent).rejects.toMatchObject({ name: 'TimeoutError' });
  await expect(postToNode(`${url}?half`, {}, '{}', AbortSignal.timeout(150), 1024)).rejects.toMatchObject({ name: 'TimeoutError' });
  const ended = new AbortController();
  const pending = postToNode(url, {}, '{}', ended.signal, 1024);
  ended.abort(new Error('hub stopping'));
  await expect(pending).rejects.toThrow('hub stopping');
});

it('rejects with the socket’s code when nothing listens', async () => {
  const { url, server } = await serve(() => undefined);
  await new Promise((resolve) => server.close(resolve));
  await expect(postToNode(url, {}, '{}', timeout(), 1024)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});

it('sends once more, on a new socket, when the node had closed the kept-alive one', async () => {
  let answered = 0;
  const { url, sockets } = await serve((_req, res) => {
    answered += 1;
    res.end('{"data":{}}');
  });
  await postToNode(url, {}, '{}', timeout(), 1024);
  // The node drops the idle socket without the hub noticing yet (as a restarting node does).
  for (const socket of sockets) socket.resetAndDestroy();
  const again = await postToNode(url, {}, '{}', timeout(), 1024);
  expect(again.status).toBe(200);
  expect(answered).toBe(2);
});
