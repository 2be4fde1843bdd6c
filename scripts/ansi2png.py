#!/usr/bin/env python3
"""Draws a terminal capture with colours (`tmux capture-pane -p -e`) as a PNG.

Usage: ansi2png.py CAPTURE.txt OUT.png [COLUMNS ROWS]

Needs Python 3 with Pillow (pip install pillow) and a monospace TrueType
font: DejaVu Sans Mono (Debian: fonts-dejavu-core), or set FONT=/path.ttf.
Understands the SGR codes a ratatui app emits: bold, dim, italic,
underline, reverse, the 16 colours, 256 colours and 24-bit colours.
"""

import os
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FG, BG = (208, 208, 208), (24, 24, 27)
BASE16 = [
    (0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16),
    (36, 114, 200), (188, 63, 188), (17, 168, 205), (229, 229, 229),
    (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67),
    (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255),
]
FONTS = [
    os.environ.get("FONT", ""),
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/TTF/DejaVuSansMono.ttf",
    "/Library/Fonts/DejaVuSansMono.ttf",
]
SIZE = 15


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = False

    def copy(self):
        s = Style()
        s.__dict__.update(self.__dict__)
        return s

    def apply(self, params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = BASE16[c - 30]
            elif 90 <= c <= 97:
                self.fg = BASE16[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = BASE16[c - 40]
            elif 100 <= c <= 107:
                self.bg = BASE16[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    colour = xterm256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    colour = tuple(codes[i + 2 : i + 5])
                    i += 4
                else:
                    colour = None
                if c == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            i += 1

    def colours(self):
        fg = self.fg or FG
        bg = self.bg or BG
        if self.reverse:
            fg, bg = bg, fg
        if self.dim:
            fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
        return fg, bg


def cells(text):
    """Each line as a list of (char, style, width)."""
    lines = []
    style = Style()
    for raw in text.split("\n"):
        line = []
        for part in re.split(r"(\x1b\[[0-9;]*m)", raw):
            m = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
            if m:
                style.apply(m.group(1))
                continue
            part = re.sub(r"\x1b[^a-zA-Z]*[a-zA-Z]", "", part)
            for ch in part:
                if unicodedata.combining(ch) and line:
                    c, s, w = line[-1]
                    line[-1] = (c + ch, s, w)
                    continue
                wide = unicodedata.east_asian_width(ch) in ("W", "F")
                line.append((ch, style.copy(), 2 if wide else 1))
        lines.append(line)
    return lines


LOWER = "▁▂▃▄▅▆▇█"
LEFT = "▏▎▍▌▋▊▉"
SHADE = {"░": 0.25, "▒": 0.5, "▓": 0.75}


def block(draw, char, px, py, cw, ch, fg, bg):
    """Draws block and box-drawing characters as shapes, so they join up."""
    if char in LOWER:
        h = round(ch * (LOWER.index(char) + 1) / 8)
        draw.rectangle([px, py + ch - h, px + cw - 1, py + ch - 1], fill=fg)
    elif char in LEFT:
        w = max(1, round(cw * (LEFT.index(char) + 1) / 8))
        draw.rectangle([px, py, px + w - 1, py + ch - 1], fill=fg)
    elif char in SHADE:
        t = SHADE[char]
        mix = tuple(round(a * t + b * (1 - t)) for a, b in zip(fg, bg))
        draw.rectangle([px, py, px + cw - 1, py + ch - 1], fill=mix)
    elif char in "─│┌┐└┘├┤":
        mx, my = px + cw // 2, py + ch // 2
        left = char in "─┐┘┤"
        right = char in "─┌└├"
        up = char in "│└┘├┤"
        down = char in "│┌┐├┤"
        if left:
            draw.line([px, my, mx, my], fill=fg)
        if right:
            draw.line([mx, my, px + cw - 1, my], fill=fg)
        if up:
            draw.line([mx, py, mx, my], fill=fg)
        if down:
            draw.line([mx, my, mx, py + ch - 1], fill=fg)
    else:
        return False
    return True


def font(bold):
    for path in FONTS:
        if not path:
            continue
        p = path.replace("Mono.ttf", "Mono-Bold.ttf") if bold else path
        if os.path.exists(p):
            return ImageFont.truetype(p, SIZE)
    sys.exit("ansi2png: no DejaVu Sans Mono found; install fonts-dejavu-core or set FONT")


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8", errors="replace") as f:
        lines = cells(f.read().rstrip("\n"))
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else max(sum(w for *_, w in l) for l in lines)
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else len(lines)
    regular, bold = font(False), font(True)
    box = regular.getbbox("M")
    cw = round(regular.getlength("M"))
    ch = SIZE + 4
    pad = 10
    img = Image.new("RGB", (cols * cw + 2 * pad, rows * ch + 2 * pad), BG)
    draw = ImageDraw.Draw(img)
    for y, line in enumerate(lines[:rows]):
        x = 0
        for char, style, w in line:
            if x >= cols:
                break
            fg, bg = style.colours()
            px, py = pad + x * cw, pad + y * ch
            draw.rectangle([px, py, px + w * cw - 1, py + ch - 1], fill=bg)
            if block(draw, char, px, py, cw, ch, fg, bg):
                pass
            elif char.strip():
                draw.text((px, py + 2 - box[1] // 2), char, font=bold if style.bold else regular, fill=fg)
            if style.underline:
                draw.line([px, py + ch - 2, px + w * cw - 1, py + ch - 2], fill=fg)
            x += w
    img.save(out)


if __name__ == "__main__":
    main()
