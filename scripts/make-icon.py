#!/usr/bin/env python3
"""Draws the app's icon source, src-tauri/icons/app-icon.png (1024 x 1024, RGBA): a teal
lake crossed by a dark band. `make icons` then makes every size and format from it with
`tauri icon`. Needs numpy; drawn with 4 x 4 samples a pixel, so the edges are smooth."""
import struct
import sys
import zlib

import numpy as np

N, S = 1024, 4
TEAL, BAND = (0x23, 0xA0, 0xAD), (0x14, 0x39, 0x5A)


def inside_band(x, y):
    # Two slabs meeting in the middle, the right one a little higher: a broken line.
    left = (x < 512) & (y >= 392 + x * 16 / 512) & (y <= 584 + x * 16 / 512)
    right = (x >= 512) & (y >= 384 + (x - 512) * 16 / 512) & (y <= 592 + (x - 512) * 16 / 512 - 8 * (1 - (x - 512) / 512))
    return left | right


def main(out):
    rgba = np.zeros((N, N, 4))
    for sy in range(S):
        for sx in range(S):
            y, x = np.mgrid[0:N, 0:N].astype(float)
            x += (sx + 0.5) / S
            y += (sy + 0.5) / S
            disc = (x - 512) ** 2 + (y - 512) ** 2 <= 500**2
            band = inside_band(x, y) & disc
            for c in range(3):
                rgba[..., c] += np.where(band, BAND[c], np.where(disc, TEAL[c], 0))
            rgba[..., 3] += np.where(disc, 255, 0)
    rgba /= S * S
    # Colours were summed over covered samples only: bring edge pixels back to full colour.
    cover = np.maximum(rgba[..., 3:4] / 255, 1e-9)
    rgba[..., :3] = np.where(rgba[..., 3:4] > 0, rgba[..., :3] / cover, 0)
    pixels = np.clip(np.rint(rgba), 0, 255).astype(np.uint8)
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(N))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(out, "wb") as f:
        f.write(png)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src-tauri/icons/app-icon.png")
