#!/usr/bin/env python3
"""Writes the first N images of an IDX image file (grey N x H x W or colour N x H x W x 3) as a
PNG grid, scaled up, with a 1-pixel grey gap: the data grid shown next to model samples in the
README. Standard library only. Usage: idx-grid.py FILE N SCALE OUT.png"""
import struct, sys, zlib, math

path, n, scale, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
data = open(path, 'rb').read()
rank = data[3]
dims = struct.unpack('>' + 'I' * rank, data[4:4 + 4 * rank])
h, w = dims[1], dims[2]
c = dims[3] if rank == 4 else 1
pixels = data[4 + 4 * rank:]
cols = math.ceil(math.sqrt(n))
rows = math.ceil(n / cols)
W, H = cols * (w * scale + 1) + 1, rows * (h * scale + 1) + 1
img = [[(96, 96, 96)] * W for _ in range(H)]
for i in range(n):
    ox, oy = 1 + (i % cols) * (w * scale + 1), 1 + (i // cols) * (h * scale + 1)
    for y in range(h):
        for x in range(w):
            at = ((i * h + y) * w + x) * c
            rgb = tuple(pixels[at:at + 3]) if c == 3 else (pixels[at],) * 3
            for dy in range(scale):
                for dx in range(scale):
                    img[oy + y * scale + dy][ox + x * scale + dx] = rgb
raw = b''.join(b'\x00' + bytes(v for p in row for v in p) for row in img)
def chunk(kind, body):
    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 2, 0, 0, 0)) \
    + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
open(out, 'wb').write(png)
