import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Directory, DirectoryError, parseDirectory } from '../directory/directory';

const entry = (code: string, extra: object = {}) => ({ code, name: `${code} 居委`, url: `http://127.0.0.1:1/${code}`, ...extra });

describe('the directory file', () => {
  it('is re-read when it changes, and a broken edit keeps the last good directory', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lilong-dir-'));
    const file = path.join(dir, 'directory.json');
    writeFileSync(file, JSON.stringify({ communities: [entry('alpha')] }));
    const directory = Directory.fromFile(file);
    const errors: Error[] = [];
    const stop = directory.watch(file, (e) => errors.push(e), 50);
    // The watcher's first poll takes the baseline; an edit before it would be the baseline itself.
    await new Promise((r) => setTimeout(r, 200));
    try {
      const changed = new Promise((r) => directory.once('change', r));
      writeFileSync(file, JSON.stringify({ communities: [entry('alpha'), entry('beta', { neighbours: ['alpha'] })] }));
      await changed;
      expect(directory.list().map((c) => c.code)).toEqual(['alpha', 'beta']);

      writeFileSync(file, '{ "communities": [ { "code": "Bad Code" } ] }');
      const deadline = Date.now() + 3000;
      while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(errors[0]).toBeInstanceOf(DirectoryError);
      expect(directory.list().map((c) => c.code)).toEqual(['alpha', 'beta']);
    } finally {
      stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports every problem of a bad document at once', () => {
    const text = JSON.stringify({ communities: [entry('alpha'), entry('alpha'), { code: 'b', url: 'ftp://x' }, entry('gamma', { neighbours: ['nowhere'] })] });
    let message = '';
    try {
      parseDirectory(text, 'dir.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('"alpha" appears twice');
    expect(message).toContain('communities[2].code must match');
    expect(message).toContain('communities[2].url must be an http(s) URL');
    expect(message).toContain('gamma.neighbours names unknown community "nowhere"');
  });
});
