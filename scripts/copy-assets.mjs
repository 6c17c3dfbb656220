// Copies into dist/ what tsc does not emit but the compiled code reads at run time: the Lua
// scripts of the Redis store (loaded relative to their module). Run by `npm run build`.
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const ASSET = /\.lua$/;

const assets = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((path) =>
  ASSET.test(path),
);
// A script deleted from src/ must not linger in dist/.
for (const path of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (ASSET.test(path) && !assets.includes(path)) rmSync(join(dist, path));
}
for (const path of assets) cpSync(join(src, path), join(dist, path));
