#!/usr/bin/env node
'use strict';
// A sub-district's keys on one machine (deploy/compose.yaml's one-shot `keys` service; docs/deploy.md):
//   node ops/bin/sub-district-keys.js <keys dir> <directory template> [uid]
// Makes, once each, in <keys dir>:
// - hub.pem / hub.pub.pem: the hub's Ed25519 pair (it vouches for callers to the nodes);
// - notice/<code>.pem: each listed community's notice key (its node signs notices and digests with it);
// and writes <keys dir>/directory.json: the template with each community's notice key published in its `noticeKeys`
// (added once, valid from when the key was made), so that anyone can verify what that community signs. Keys that
// exist are kept; run it again after editing the template, and the hub picks the new directory up. Private keys are
// readable by their owner only (`uid`, the image's `node` user, when run as root). Runs from the build (the image)
// or, through ops/register.js, from the sources.
const fs = require('node:fs');
const path = require('node:path');
const { createPrivateKey, generateKeyPairSync } = require('node:crypto');
const { publishedNoticeKey } = require('@lilong/kit/src/signing');

/** The private key in `file`, made (with its public half, when `publicFile` is given) if there is none yet. */
function ensureKey(file, publicFile, uid) {
  if (!fs.existsSync(file)) {
    const pair = generateKeyPairSync('ed25519');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written under another name and renamed: a run cut short never leaves half a key.
    fs.writeFileSync(`${file}.tmp`, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o400 });
    if (uid !== undefined) fs.chownSync(`${file}.tmp`, uid, uid);
    fs.renameSync(`${file}.tmp`, file);
    if (publicFile) fs.writeFileSync(publicFile, pair.publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o444 });
    console.log(`made ${path.basename(path.dirname(file)) === 'notice' ? 'notice' : 'hub'} key ${file}`);
  }
  return createPrivateKey(fs.readFileSync(file, 'utf8'));
}

async function main([keysDir, template, uidText]) {
  if (!keysDir || !template) {
    console.error('usage: sub-district-keys.js <keys dir> <directory template> [uid] / 用法：sub-district-keys.js <密钥目录> <社区名录模板> [uid]');
    process.exit(64);
  }
  const uid = uidText === undefined ? undefined : Number(uidText);
  ensureKey(path.join(keysDir, 'hub.pem'), path.join(keysDir, 'hub.pub.pem'), uid);
  const directory = JSON.parse(fs.readFileSync(template, 'utf8'));
  for (const community of directory.communities) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(String(community.code))) throw new Error(`community code ${JSON.stringify(community.code)} cannot name a key file`);
    const file = path.join(keysDir, 'notice', `${community.code}.pem`);
    const key = ensureKey(file, undefined, uid);
    const published = await publishedNoticeKey(key, fs.statSync(file).mtime.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const listed = Array.isArray(community.noticeKeys) ? community.noticeKeys : [];
    community.noticeKeys = listed.some((k) => k.kid === published.kid) ? listed : [...listed, published];
  }
  const out = path.join(keysDir, 'directory.json');
  fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(directory, null, 2)}\n`, { mode: 0o444 });
  fs.renameSync(`${out}.tmp`, out);
  console.log(`wrote ${out}: ${directory.communities.length} communities, each with its notice key`);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`keys: ${error.message}`);
  process.exit(1);
});
