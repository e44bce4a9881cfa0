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

  it('is read again on demand (SIGHUP): a changed file is taken, an unchanged one is not taken twice, a broken one is refused', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lilong-dir-'));
    const file = path.join(dir, 'directory.json');
    try {
      writeFileSync(file, JSON.stringify({ communities: [entry('alpha')] }));
      const directory = Directory.fromFile(file);
      const errors: Error[] = [];
      let changes = 0;
      directory.on('change', () => (changes += 1));
      // What fromFile read: nothing new.
      directory.reload(file, (e) => errors.push(e));
      expect(changes).toBe(0);
      writeFileSync(file, JSON.stringify({ communities: [entry('alpha'), entry('beta')] }));
      directory.reload(file, (e) => errors.push(e));
      expect(directory.list().map((c) => c.code)).toEqual(['alpha', 'beta']);
      // The same text again (the poll after a SIGHUP sees the same write): not taken twice.
      directory.reload(file, (e) => errors.push(e));
      expect(changes).toBe(1);
      writeFileSync(file, '{ "communities": [ { "code": "Bad Code" } ] }');
      directory.reload(file, (e) => errors.push(e));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(DirectoryError);
      expect(directory.list().map((c) => c.code)).toEqual(['alpha', 'beta']);
    } finally {
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
