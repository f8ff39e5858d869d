#!/usr/bin/env python3
"""Writes the N most recent chains of a pcd run's replay buffer (the persistent Langevin chains
training ran, Du and Mordatch's way of showing an image EBM's samples) as a PNG grid, scaled up,
with a 1-pixel grey gap. Reads the checkpoint's optimizer.safetensors (tensors pcd.buffer, rows
of H*W floats in [0, 1], and pcd.next, the row the next chain overwrites). Standard library only.
Usage: pcd-buffer-grid.py RUN/checkpoint-last.zip N SCALE OUT.png [H W]"""
import json, math, struct, sys, zipfile, zlib

path, n, scale, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
h, w = (int(sys.argv[5]), int(sys.argv[6])) if len(sys.argv) > 6 else (28, 28)
blob = zipfile.ZipFile(path).read('optimizer.safetensors')
size = struct.unpack('<Q', blob[:8])[0]
header = json.loads(blob[8:8 + size])
if 'pcd.buffer' not in header:
    sys.exit(path + ' holds no replay buffer: it was not written by --objective pcd')
def tensor(name):
    start, end = header[name]['data_offsets']
    raw = blob[8 + size + start:8 + size + end]
    return struct.unpack('<%df' % (len(raw) // 4), raw), header[name]['shape']
buffer, shape = tensor('pcd.buffer')
rows, d = shape
if d != h * w:
    sys.exit('buffer rows have %d values, not %d x %d; give H W' % (d, h, w))
nxt = int(tensor('pcd.next')[0][0]) if 'pcd.next' in header else rows
picked = [(nxt - 1 - i) % rows for i in range(min(n, rows))]  # newest first
cols = math.ceil(math.sqrt(len(picked)))
lines = math.ceil(len(picked) / cols)
W, H = cols * (w * scale + 1) + 1, lines * (h * scale + 1) + 1
img = [[96] * W for _ in range(H)]
for i, r in enumerate(picked):
    ox, oy = 1 + (i % cols) * (w * scale + 1), 1 + (i // cols) * (h * scale + 1)
    for y in range(h):
        for x in range(w):
            v = int(round(min(1.0, max(0.0, buffer[r * d + y * w + x])) * 255))
            for dy in range(scale):
                for dx in range(scale):
                    img[oy + y * scale + dy][ox + x * scale + dx] = v
raw = b''.join(b'\x00' + bytes(row) for row in img)
def chunk(kind, body):
    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 0, 0, 0, 0)) \
    + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
open(out, 'xb').write(png)  # never replaces a file
