// One digest of a synthesized output tree, the same whether it is computed from the files on disk
// (the synth launcher, to tell whether dist/ still holds what the last synth wrote) or from the
// rendered files in memory (main.ts, right after writing them). Plain JavaScript: the launcher
// needs it before any TypeScript is loaded.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

/** sha256 over every `folder/file` name and content, in sorted order. */
function digestEntries(entries) {
  const hash = crypto.createHash('sha256');
  for (const [name, content] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(name).update('\0').update(content).update('\0');
  return hash.digest('hex');
}

/** The digest of a folder's files (two levels: `<folder>/<file>`), or undefined when it cannot be read or holds anything else. */
function digestDirectory(dir) {
  try {
    const entries = [];
    for (const folder of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!folder.isDirectory()) return undefined;
      for (const file of fs.readdirSync(path.join(dir, folder.name), { withFileTypes: true })) {
        if (!file.isFile()) return undefined;
        entries.push([`${folder.name}/${file.name}`, fs.readFileSync(path.join(dir, folder.name, file.name))]);
      }
    }
    return digestEntries(entries);
  } catch {
    return undefined;
  }
}

/** The digest of rendered folders: folder name -> file name -> content. */
function digestRendered(folders) {
  const entries = [];
  for (const [folder, files] of folders) for (const [file, content] of files) entries.push([`${folder}/${file}`, Buffer.from(content)]);
  return digestEntries(entries);
}

module.exports = { digestDirectory, digestRendered };
