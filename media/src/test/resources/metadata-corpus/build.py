#!/usr/bin/env python3
"""Builds the metadata corpus from unpacked Debian source packages (see README.md).

usage: build.py SOURCE_ROOT OUT_DIR

SOURCE_ROOT holds the unpacked .orig tarballs named in README.md. A file is taken when exiftool
reads it without an error and finds a camera make or a capture date in it; fuzzer proofs of
concept (exiv2's *poc*, issue_* and test_issue_* files) are hostile inputs, not camera files, and
stay out. Byte-identical copies are taken once. JPEGs over MAX_JPEG bytes, and exiv2's .exv
metadata files, are rebuilt around an 8x8 image: every APPn and COM segment is kept byte for byte
(EXIF with its maker notes, XMP, IPTC, ICC), the compressed image is replaced, as in ExifTool's
own test images. Other files over MAX_OTHER bytes are left out, except
phone HEICs (kept whole: the corpus has no other).
"""
import hashlib
import json
import os
import re
import subprocess
import sys

MAX_JPEG = 8 * 1024
MAX_OTHER = 512 * 1024
# Folders of files that come from elsewhere than these packages, added by hand.
HAND_ADDED = {"tika"}
SOURCES = {
    "Image-ExifTool-12.57": "exiftool",
    "exiv2-0.27.6": "exiv2",
    "jhead-3.06.0.1": "jhead",
    "libexif-libexif-0_6_24-release": "libexif",
    "exempi-2.6.3": "exempi",
    "libheif-1.15.1": "libheif",
}
EXTENSIONS = {".jpg", ".jpeg", ".heic", ".heif", ".avif", ".tif", ".tiff", ".cr2", ".cr3", ".crw", ".nef", ".dng",
              ".arw", ".orf", ".raf", ".rw2", ".pef", ".srw", ".mrw", ".png", ".webp", ".psd", ".gif", ".x3f",
              ".iiq", ".jxl", ".jp2", ".exv"}
PACKAGES = {
    "exiftool": "libimage-exiftool-perl_12.57+dfsg.orig.tar.xz",
    "exiv2": "exiv2_0.27.6.orig.tar.gz",
    "jhead": "jhead_3.06.0.1.orig.tar.gz",
    "libexif": "libexif_0.6.24.orig.tar.gz",
    "exempi": "exempi_2.6.3.orig.tar.xz",
    "libheif": "libheif_1.15.1.orig.tar.gz",
}
HOSTILE = re.compile(r"poc|issue_\d|test_issue|fuzz|crash|ossfuzz", re.I)
# An 8x8 grey baseline JPEG from DQT to EOI (libvips: `vips black x.jpg[strip,Q=50] 8 8`).
TINY_BODY = bytes.fromhex(
    "ffdb004300100b0c0e0c0a100e0d0e1211101318281a181616183123251d283a333d3c3933383740485c4e404457453738506d51575f"
    "626768673e4d71797064785c656763ffc0000b080008000801011100ffc4001f00000105010101010101000000000000000001020304"
    "05060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342"
    "b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a63646566676869"
    "6a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2"
    "d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00f3faffd9")


def metadata_segments(data, start):
    """The APPn and COM segments of a JPEG-like stream from `start` (just after SOI)."""
    out = bytearray()
    i = start
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            out += data[i:i + 2 + length]
        elif marker in (0xDA, 0xD9):
            break
        i += 2 + length
    return bytes(out)


def shrink(data, exv):
    return b"\xff\xd8" + metadata_segments(data, 7 if exv else 2) + TINY_BODY


def main(root, out):
    candidates = []
    for src, short in SOURCES.items():
        for dirpath, _, names in os.walk(os.path.join(root, src)):
            for name in sorted(names):
                if os.path.splitext(name)[1].lower() in EXTENSIONS and not HOSTILE.search(name):
                    candidates.append((os.path.join(dirpath, name), short))
    listing = subprocess.run(["exiftool", "-q", "-q", "-j", "-use", "MWG", "-FileType", "-Make", "-DateTimeOriginal",
                              "-CreateDate", "-Error", "-@", "-"], input="\n".join(p for p, _ in candidates),
                             capture_output=True, text=True).stdout
    info = {e["SourceFile"]: e for e in json.loads(listing)}
    seen = set()
    taken = 0
    rows = ["file\tpackage\tpath in the package\tsha1 of the original\trebuilt around an 8x8 image"]
    for path, short in sorted(candidates, key=lambda c: c[0]):
        e = info.get(path, {})
        if e.get("Error") or not (e.get("Make") or e.get("DateTimeOriginal") or e.get("CreateDate")):
            continue
        data = open(path, "rb").read()
        digest = hashlib.sha1(data).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        name = os.path.basename(path)
        exv = name.lower().endswith(".exv")
        if exv or (e.get("FileType") == "JPEG" and len(data) > MAX_JPEG):
            data = shrink(data, exv)
            name = name[:-4] + ".jpg" if exv else name
        if len(data) > MAX_OTHER and e.get("FileType") != "HEIC":
            continue
        target = os.path.join(out, short, name)
        if os.path.exists(target):
            target = os.path.join(out, short, digest[:6] + "-" + name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
        rebuilt = "yes" if exv or data != open(path, "rb").read() else "no"
        rows.append("\t".join([os.path.relpath(target, out), PACKAGES[short], os.path.relpath(path, os.path.join(root, [
            s for s, v in SOURCES.items() if v == short][0])), digest, rebuilt]))
        taken += 1
    # Files added by hand (README: "Added by hand") are kept, with their rows.
    listed = os.path.join(out, "..", "sources.tsv")
    if os.path.exists(listed):
        rows += [r for r in open(listed).read().splitlines()[1:] if r.split("/")[0] in HAND_ADDED]
    with open(listed, "w") as f:
        f.write("\n".join(rows) + "\n")
    print(f"{taken} files in {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
