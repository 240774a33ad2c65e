#!/usr/bin/env node
// Draws the ParaKV app icon (stacked KV blocks on a dark tile) as PNGs without dependencies.
// Run once: node scripts/make-icons.mjs → public/icon-192.png, public/icon-512.png, public/apple-touch-icon.png
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

function crc32(buf) {
  let c,
    crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const bg = [17, 24, 39];
  const colors = [
    [56, 189, 248],
    [99, 102, 241],
    [167, 139, 250],
    [52, 211, 153],
  ];
  const r = size * 0.18; // corner radius
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const o = y * (size * 4 + 1) + 1 + x * 4;
      const cx = Math.min(x, size - 1 - x),
        cy = Math.min(y, size - 1 - y);
      const outside = cx < r && cy < r && (r - cx) ** 2 + (r - cy) ** 2 > r * r;
      let px = outside ? [0, 0, 0, 0] : [...bg, 255];
      if (!outside) {
        // four bars of growing width: the KV cache filling up, split across GPUs
        const u = x / size,
          v = y / size;
        for (let i = 0; i < 4; i++) {
          const top = 0.2 + i * 0.16,
            h = 0.11,
            w = 0.3 + i * 0.14;
          if (v >= top && v < top + h && u >= 0.2 && u < 0.2 + w) px = [...colors[i], 255];
        }
      }
      raw.set(px, o);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
writeFileSync('public/icon-192.png', png(192));
writeFileSync('public/icon-512.png', png(512));
writeFileSync('public/apple-touch-icon.png', png(180));
console.log('icons written');
