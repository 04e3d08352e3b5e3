#!/usr/bin/env python3
"""Rebuild the committed font files in this folder (fonts/).

NOT needed at build time: the .otf files and licence texts it produces are
committed. Run it only to reproduce or refresh them.

Sources (Debian bookworm packages, versions used for the committed files):

  texlive-lang-chinese  2022.20230122-1
      usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/*.otf
      usr/share/doc/texlive-doc/fonts/fandol/{README,COPYING.gz}
      -> FandolSong-Regular.otf, FandolSong-Bold.otf, FandolHei-Regular.otf,
         FandolHei-Bold.otf, FandolFang-Regular.otf   (copied byte for byte)
      -> LICENSE-Fandol.txt (README + GPL v3 text with the font exception)

  fonts-noto-cjk        1:20220127+repack1-1
      usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc (face "Noto Serif CJK SC")
      usr/share/doc/fonts-noto-cjk/copyright (SIL OFL 1.1 text)
      -> NotoSerifCJKsc-Subset.otf, LICENSE-Noto-CJK.txt

  fonts-liberation2     2.1.5-1
      usr/share/fonts/truetype/liberation2/LiberationSerif-{Regular,Bold}.ttf
      usr/share/doc/fonts-liberation2/copyright (SIL OFL 1.1 text)
      -> JixiaoLatinSerif-Regular.ttf, JixiaoLatinSerif-Bold.ttf, LICENSE-Liberation.txt

What the subset contains (see wanted_codepoints()):
  * every character encodable in Python's 'gbk' codec, U+0080 and above,
    that FandolSong-Regular.otf has no cmap entry for (about 13,000, nearly all
    CJK Unified Ideographs outside GB 2312);
  * plus a fixed list of form symbols/punctuation (≥ ≤ ＞ ％ — … “ ” ① ㈠ Ⅰ 【 】 …)
    and rare name characters (犇 喆 堃 赟 昇 玥 珺 琤), whether or not Fandol has them;
  * plus printable ASCII and U+00A0, so that the font is usable on its own.
  Only U+2252 (≒, GBK A850) is missing: Noto Serif CJK SC has no glyph for it.
  The Latin faces (see LATIN_CHARS) hold only printable ASCII, U+00A0 and
  ≥ ≤: the templates list them first, so digits, Latin letters and ≥ ≤ print
  in Liberation Serif's Times-metric glyphs (upright ≥ ≤ with a level bar, as
  the published forms print them) and everything else falls back to
  FandolSong. They are renamed "Jixiao Latin Serif": a subset is a Modified
  Version under the OFL, and "Liberation" is a Reserved Font Name.
  CJK options: all layout features ('*'), no hinting, subroutines kept
  (--desubroutinize was measured: it makes the file ~1 MB larger), all name
  records kept. One deviation from plain pyftsubset: the 'locl' feature is
  trimmed to the lookups the SC face itself uses (language ZHS and the default
  language systems). Keeping the JAN/KOR/ZHT/ZHH locl lookups would pull in
  ~10,600 Japanese/Korean/Traditional glyph variants and nearly double the file
  (8.5 MB instead of ~4.6 MB); text tagged lang "ja"/"ko"/"zh-TW" therefore
  gets the SC glyph shapes from this subset. Use --keep-all-locl to disable.

How to rerun (needs: python3, `pip install fonttools`, apt-get + dpkg-deb):

  python3 fonts/make-subset.py
      downloads both .deb files with `apt-get download` into a temp dir and
      unpacks them with `dpkg-deb -x` (installs nothing, pulls no dependencies);
  python3 fonts/make-subset.py --texlive-root / --noto-root /
      uses the installed packages (or any dir where a .deb was unpacked);
  python3 fonts/make-subset.py --latin-only
      rebuilds only the two Latin faces (downloads fonts-liberation2 only);
  python3 fonts/make-subset.py --report
      only prints names / cmap sizes / coverage of the fonts in this folder.
  --with-sans additionally builds NotoSansCJKsc-Subset.otf from
      NotoSansCJK-Regular.ttc for the chars FandolHei-Regular lacks (off by
      default: fonts/ is already over its size budget).
"""

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = os.path.dirname(os.path.abspath(__file__))

FANDOL_DIR = "usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
FANDOL_DOC = "usr/share/doc/texlive-doc/fonts/fandol"
FANDOL_FILES = [
    "FandolSong-Regular.otf",
    "FandolSong-Bold.otf",
    "FandolHei-Regular.otf",
    "FandolHei-Bold.otf",
    "FandolFang-Regular.otf",
]
NOTO_DIR = "usr/share/fonts/opentype/noto"
NOTO_COPYRIGHT = "usr/share/doc/fonts-noto-cjk/copyright"
LIBERATION_DIR = "usr/share/fonts/truetype/liberation2"
LIBERATION_COPYRIGHT = "usr/share/doc/fonts-liberation2/copyright"
# (source file, output file, style) of the Latin faces; only the weights the forms use.
LATIN_FACES = [
    ("LiberationSerif-Regular.ttf", "JixiaoLatinSerif-Regular.ttf", "Regular"),
    ("LiberationSerif-Bold.ttf", "JixiaoLatinSerif-Bold.ttf", "Bold"),
]
LATIN_FAMILY = "Jixiao Latin Serif"

EXPECTED_VERSIONS = {
    "texlive-lang-chinese": "2022.20230122-1",
    "fonts-noto-cjk": "1:20220127+repack1-1",
    "fonts-liberation2": "2.1.5-1",
}

# Symbols always put into the subset (whether or not Fandol has them).
EXTRA_SYMBOLS = (
    "≥≤≧≦＞＜＝％—–―…“”‘’·•○●★☆√×÷±℃‰№"
    "（）【】〔〕《》「」『』、。，；：？！～￥"
)
EXTRA_RANGES = [
    (0x0020, 0x007E),  # printable ASCII + U+00A0: the subset also works on its own
    (0x00A0, 0x00A0),  # (without them Typst shows tofu for spaces in runs set in it)
    (0x2160, 0x216B),  # Ⅰ-Ⅻ
    (0x2460, 0x2473),  # ①-⑳
    (0x3220, 0x3229),  # ㈠-㈩
]
RARE_NAME_CHARS = "犇喆堃赟昇玥珺琤"

# What the Latin faces cover, and so what they print: the templates list them before the CJK
# faces, so any character added here stops coming from FandolSong. ± × ÷ ° ‰ ％ and the CJK
# quotes/dashes stay with FandolSong, full-width as in the published (宋体) forms.
LATIN_CHARS = [*range(0x20, 0x7F), 0xA0, 0x2264, 0x2265]

# Characters of the report table.
PROBE_CHARS = "≥≤犇喆堃赟"


def gbk_codepoints():
    out = set()
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        try:
            chr(cp).encode("gbk")
        except UnicodeEncodeError:
            continue
        out.add(cp)
    return out


def extra_codepoints():
    cps = {ord(c) for c in EXTRA_SYMBOLS + RARE_NAME_CHARS}
    for lo, hi in EXTRA_RANGES:
        cps.update(range(lo, hi + 1))
    return cps


def wanted_codepoints(base_font_path):
    have = set(TTFont(base_font_path, lazy=True).getBestCmap())
    return (gbk_codepoints() - have) | extra_codepoints()


def fetch_deb(pkg, workdir):
    """apt-get download PKG and unpack it; returns the unpacked root."""
    subprocess.run(["apt-get", "download", pkg], cwd=workdir, check=True)
    debs = sorted(f for f in os.listdir(workdir) if f.startswith(pkg + "_") and f.endswith(".deb"))
    deb = os.path.join(workdir, debs[-1])
    version = subprocess.run(["dpkg-deb", "-f", deb, "Version"], check=True,
                             capture_output=True, text=True).stdout.strip()
    if version != EXPECTED_VERSIONS[pkg]:
        print(f"note: {pkg} is {version}, committed files were made from "
              f"{EXPECTED_VERSIONS[pkg]}", file=sys.stderr)
    root = os.path.join(workdir, pkg)
    subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    return root


def extract_face(ttc_path, family):
    coll = TTCollection(ttc_path)
    for face in coll.fonts:
        if face["name"].getDebugName(1) == family:
            return face
    raise SystemExit(f"no face with family {family!r} in {ttc_path}")


def trim_locl(font):
    """Keep only the locl lookups used by the ZHS and default language systems."""
    if "GSUB" not in font:
        return
    gsub = font["GSUB"].table
    records = gsub.FeatureList.FeatureRecord
    keep = set()
    for sr in gsub.ScriptList.ScriptRecord:
        systems = [sr.Script.DefaultLangSys] if sr.Script.DefaultLangSys else []
        systems += [r.LangSys for r in sr.Script.LangSysRecord if r.LangSysTag == "ZHS "]
        for ls in systems:
            for i in ls.FeatureIndex:
                if records[i].FeatureTag == "locl":
                    keep.update(records[i].Feature.LookupListIndex)
    for rec in records:
        if rec.FeatureTag == "locl":
            rec.Feature.LookupListIndex = [i for i in rec.Feature.LookupListIndex if i in keep]
            rec.Feature.LookupCount = len(rec.Feature.LookupListIndex)


def make_subset(ttc_path, family, unicodes, out_path, keep_all_locl=False):
    font = extract_face(ttc_path, family)
    if not keep_all_locl:
        trim_locl(font)
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.hinting = False
    opts.desubroutinize = False  # measured: desubroutinized output is larger
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True
    sub = subset.Subsetter(options=opts)
    sub.populate(unicodes=sorted(unicodes))
    sub.subset(font)
    font.recalcTimestamp = False  # keep head.modified: reruns give identical bytes
    font.save(out_path)
    got = set(TTFont(out_path, lazy=True).getBestCmap())
    missing = sorted(set(unicodes) - got)
    print(f"{os.path.basename(out_path)}: {len(got)} cmap entries, "
          f"{os.path.getsize(out_path)} bytes; not in source font: "
          + (" ".join(f"U+{c:04X}({chr(c)})" for c in missing) or "none"))


def write_fandol_licence(texlive_root, out_dir):
    doc = os.path.join(texlive_root, FANDOL_DOC)
    with open(os.path.join(doc, "README"), encoding="utf-8") as f:
        readme = f.read()
    with gzip.open(os.path.join(doc, "COPYING.gz"), "rt", encoding="utf-8") as f:
        copying = f.read()
    header = textwrap.dedent("""\
        Fandol fonts (FandolSong, FandolHei, FandolFang)
        Copyright (C) 2012-2013, the Fandol team (Clerk Ma, Jie Su).
        Licence: GNU GPL version 3 with the GPL font exception (see the end of
        the licence text below). The font files in this folder are unmodified
        copies from the Debian package texlive-lang-chinese (CTAN: fonts/fandol).

        ===== README (texmf-dist/doc/fonts/fandol/README) =====

        """)
    with open(os.path.join(out_dir, "LICENSE-Fandol.txt"), "w", encoding="utf-8") as f:
        f.write(header + readme.rstrip() + "\n\n===== COPYING (texmf-dist/doc/fonts/fandol/COPYING) =====\n\n" + copying)


def ofl_text(copyright_path, licence="SIL-1.1"):
    """The body of the first 'License: LICENCE' field that has one in a Debian
    machine-readable copyright file (Noto: a stand-alone stanza; Liberation:
    the field of its Files: stanza)."""
    lines, inside = [], False
    with open(copyright_path, encoding="utf-8") as f:
        for line in f:
            if not inside:
                inside = line.rstrip() == f"License: {licence}"
                continue
            if not line.startswith(" "):
                if lines:
                    break
                inside = False
                continue
            body = line[1:].rstrip("\n")
            lines.append("" if body == "." else body)
    if not lines:
        raise SystemExit(f"no {licence} licence text in {copyright_path}")
    return "\n".join(lines).strip("\n") + "\n"


def write_noto_licence(noto_root, notice, out_dir):
    header = textwrap.dedent(f"""\
        Noto Serif CJK SC (subset: NotoSerifCJKsc-Subset.otf)
        {notice}
        This Font Software is licensed under the SIL Open Font License, Version 1.1.
        No Reserved Font Name is declared for Noto CJK.
        The subset in this folder is a Modified Version (glyph subset, hinting
        removed) made with fontTools by make-subset.py from NotoSerifCJK-Regular.ttc
        of the Debian package fonts-noto-cjk (upstream: github.com/googlefonts/noto-cjk).

        """)
    with open(os.path.join(out_dir, "LICENSE-Noto-CJK.txt"), "w", encoding="utf-8") as f:
        f.write(header + ofl_text(os.path.join(noto_root, NOTO_COPYRIGHT)))


def rename(font, style, source_name):
    """Give a Latin face its own name (OFL: a Modified Version may not use the
    Reserved Font Name "Liberation"); the copyright and licence records stay."""
    records = {
        1: LATIN_FAMILY,
        2: style,
        3: f"{LATIN_FAMILY} {style}; subset of {source_name}",
        4: LATIN_FAMILY if style == "Regular" else f"{LATIN_FAMILY} {style}",
        6: LATIN_FAMILY.replace(" ", "") + "-" + style,
        10: (f"Subset of {source_name} (printable ASCII, U+00A0, U+2264, U+2265) "
             "made by jixiao's fonts/make-subset.py; renamed because Liberation "
             "is a Reserved Font Name. Licensed under the SIL Open Font License 1.1."),
    }
    name = font["name"]
    for name_id, text in records.items():
        name.removeNames(nameID=name_id)
        name.setName(text, name_id, 3, 1, 0x409)
        name.setName(text, name_id, 1, 0, 0)
    for name_id in (16, 17, 21, 22):  # typographic names would still say Liberation
        name.removeNames(nameID=name_id)


def make_latin(liberation_root, out_dir):
    """The two Latin faces: subsets of Liberation Serif, renamed, hinting dropped."""
    version = None
    for source, target, style in LATIN_FACES:
        font = TTFont(os.path.join(liberation_root, LIBERATION_DIR, source))
        version = font["name"].getDebugName(5)
        opts = subset.Options()
        opts.hinting = False
        opts.name_IDs = ["*"]
        opts.name_languages = ["*"]
        opts.name_legacy = True
        opts.notdef_outline = True
        sub = subset.Subsetter(options=opts)
        sub.populate(unicodes=LATIN_CHARS)
        sub.subset(font)
        rename(font, style, f"Liberation Serif {style} ({version})")
        font.recalcTimestamp = False  # keep head.modified: reruns give identical bytes
        out_path = os.path.join(out_dir, target)
        font.save(out_path)
        got = set(TTFont(out_path, lazy=True).getBestCmap())
        missing = sorted(set(LATIN_CHARS) - got)
        print(f"{target}: {len(got)} cmap entries, {os.path.getsize(out_path)} bytes; "
              f"not in source font: {missing or 'none'}")
    notice = TTFont(os.path.join(liberation_root, LIBERATION_DIR, LATIN_FACES[0][0]),
                    lazy=True)["name"].getDebugName(0)
    header = (
        "Jixiao Latin Serif (JixiaoLatinSerif-Regular.ttf, JixiaoLatinSerif-Bold.ttf)\n"
        f"{notice}\n" + textwrap.dedent(f"""\
        This Font Software is licensed under the SIL Open Font License, Version 1.1.
        Reserved Font Names: Liberation (Red Hat), Arimo, Tinos and Cousine (Google).
        The two files in this folder are a Modified Version of Liberation Serif
        Regular and Bold ({version}, Debian package fonts-liberation2, upstream
        github.com/liberationfonts): a glyph subset (printable ASCII, U+00A0,
        U+2264, U+2265), hinting removed, made with fontTools by make-subset.py,
        and renamed "Jixiao Latin Serif" because a Modified Version may not use
        the Reserved Font Name.

        """))
    with open(os.path.join(out_dir, "LICENSE-Liberation.txt"), "w", encoding="utf-8") as f:
        f.write(header + ofl_text(os.path.join(liberation_root, LIBERATION_COPYRIGHT),
                                  "SIL-OFL-1.1"))


def report(out_dir):
    files = sorted(f for f in os.listdir(out_dir) if f.endswith((".otf", ".ttf")))
    for name in files:
        path = os.path.join(out_dir, name)
        font = TTFont(path, lazy=True)
        nm = font["name"]
        ids = {i: nm.getDebugName(i) for i in (1, 2, 4, 6, 16, 17)}
        cmap = font.getBestCmap()
        probes = " ".join(f"{c}:{'yes' if ord(c) in cmap else 'no'}" for c in PROBE_CHARS)
        print(f"{name}  {os.path.getsize(path)} bytes  cmap={len(cmap)}  "
              f"glyphs={font['maxp'].numGlyphs}  usWeightClass={font['OS/2'].usWeightClass}")
        print("   " + "  ".join(f"ID{i}={v!r}" for i, v in ids.items()))
        print("   " + probes)
    total = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir)
                if os.path.isfile(os.path.join(out_dir, f)))
    print(f"total size of {out_dir}: {total} bytes ({total / 1e6:.1f} MB)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texlive-root", help="root where texlive-lang-chinese is installed/unpacked")
    ap.add_argument("--noto-root", help="root where fonts-noto-cjk is installed/unpacked")
    ap.add_argument("--liberation-root",
                    help="root where fonts-liberation2 is installed/unpacked")
    ap.add_argument("--latin-only", action="store_true",
                    help="only rebuild the Latin faces (JixiaoLatinSerif-*.ttf)")
    ap.add_argument("--out", default=HERE, help="output folder (default: this script's folder)")
    ap.add_argument("--with-sans", action="store_true", help="also build NotoSansCJKsc-Subset.otf")
    ap.add_argument("--keep-all-locl", action="store_true", help="do not trim the locl feature")
    ap.add_argument("--report", action="store_true", help="only print the report")
    args = ap.parse_args()

    if args.report:
        report(args.out)
        return

    with tempfile.TemporaryDirectory(prefix="fonts-") as tmp:
        os.makedirs(args.out, exist_ok=True)
        make_latin(args.liberation_root or fetch_deb("fonts-liberation2", tmp), args.out)
        if args.latin_only:
            report(args.out)
            return
        tl = args.texlive_root or fetch_deb("texlive-lang-chinese", tmp)
        noto = args.noto_root or fetch_deb("fonts-noto-cjk", tmp)

        for name in FANDOL_FILES:
            shutil.copyfile(os.path.join(tl, FANDOL_DIR, name), os.path.join(args.out, name))
        write_fandol_licence(tl, args.out)

        serif_ttc = os.path.join(noto, NOTO_DIR, "NotoSerifCJK-Regular.ttc")
        make_subset(serif_ttc, "Noto Serif CJK SC",
                    wanted_codepoints(os.path.join(args.out, "FandolSong-Regular.otf")),
                    os.path.join(args.out, "NotoSerifCJKsc-Subset.otf"), args.keep_all_locl)
        if args.with_sans:
            make_subset(os.path.join(noto, NOTO_DIR, "NotoSansCJK-Regular.ttc"), "Noto Sans CJK SC",
                        wanted_codepoints(os.path.join(args.out, "FandolHei-Regular.otf")),
                        os.path.join(args.out, "NotoSansCJKsc-Subset.otf"), args.keep_all_locl)
        notice = extract_face(serif_ttc, "Noto Serif CJK SC")["name"].getDebugName(0)
        write_noto_licence(noto, notice, args.out)

    report(args.out)


if __name__ == "__main__":
    main()
