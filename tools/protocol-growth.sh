#!/usr/bin/env bash
# Adding a protocol does not grow the first load: builds the page's wasm and the live views' wasm
# from a copy of this tree with one protocol more (a copy of two-generals under another name, one
# registry line, as the README's "How to add a protocol" says), and compares them with this tree's
# (the ones `./x build` just made), both through the same wasm-bindgen and wasm-opt -Oz.
# The page's wasm must come out the same size; the live views' must grow (else the added protocol
# was not built in, and the comparison would prove nothing).
# Usage (after ./x build): tools/protocol-growth.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SITE=target/wasm32-unknown-unknown/site
for bin in netsplit-web live; do
  [ -f "$SITE/$bin.wasm" ] || { echo "error: $SITE/$bin.wasm is missing: run ./x build first"; exit 1; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/base" "$WORK/grown"
cp "$SITE/netsplit-web.wasm" "$SITE/live.wasm" "$WORK/base/"

# The copy, with the probe protocol: two_generals' files under the name probe_generals.
COPY="$WORK/tree"
mkdir -p "$COPY"
tar --exclude=./target --exclude=./dist --exclude=./node_modules --exclude=./.git -cf - . | tar -xf - -C "$COPY"
P="$COPY/core/src/protocols"
rename_probe() { sed -e 's/two_generals/probe_generals/g' -e 's/TwoGenerals/ProbeGenerals/g' -e 's/two-generals/probe-generals/g' "$1" >"$2"; }
rename_probe "$P/two_generals.rs" "$P/probe_generals.rs"
mkdir -p "$P/probe_generals"
for f in "$P"/two_generals/*.rs; do rename_probe "$f" "$P/probe_generals/$(basename "$f")"; done
# One registry line, appended as a new protocol's must be (share links number protocols by
# position), and the module declaration.
awk '/\$then! \{/ { inlist = 1 } inlist && /^ *\}$/ { print "            probe_generals: ProbeGenerals,"; inlist = 0 } { print }' \
  "$COPY/core/src/protocols.rs" >"$WORK/protocols.rs"
sed -e 's/^pub mod two_generals;$/pub mod two_generals;\npub mod probe_generals;/' "$WORK/protocols.rs" >"$COPY/core/src/protocols.rs"
grep -q "probe_generals: ProbeGenerals," "$COPY/core/src/protocols.rs" || { echo "error: the registry line was not added (has the registry's form changed?)"; exit 1; }

# Built as trunk builds them, into this tree's target dir (the dependencies are reused; the
# copy's own crates build apart, as their paths differ).
(cd "$COPY" && CARGO_TARGET_DIR="$ROOT/target" cargo build -q --profile site --target wasm32-unknown-unknown \
  -p netsplit-web --bin netsplit-web --bin live)
cp "$SITE/netsplit-web.wasm" "$SITE/live.wasm" "$WORK/grown/"
# Put this tree's builds back, so that the target dir holds what this tree's sources make.
cp "$WORK/base/netsplit-web.wasm" "$WORK/base/live.wasm" "$SITE/"

# Bytes after wasm-bindgen and wasm-opt -Oz (as ./x build does), gzip -9.
shipped() { # dir bin -> prints "raw gz" and leaves dir/out-bin/
  wasm-bindgen --target web --no-typescript --out-dir "$1/out-$2" "$1/$2.wasm" 2>/dev/null
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$1/out-$2/$2_bg.wasm" -o "$1/out-$2/opt.wasm"
  echo "$(wc -c <"$1/out-$2/opt.wasm") $(gzip -9 -c "$1/out-$2/opt.wasm" | wc -c)"
}
read -r page_raw page_gz < <(shipped "$WORK/base" netsplit-web)
read -r page2_raw page2_gz < <(shipped "$WORK/grown" netsplit-web)
read -r live_raw live_gz < <(shipped "$WORK/base" live)
read -r live2_raw live2_gz < <(shipped "$WORK/grown" live)
same=no
cmp -s "$WORK/base/out-netsplit-web/opt.wasm" "$WORK/grown/out-netsplit-web/opt.wasm" && same=yes
echo "protocol growth: with one protocol more, the page's wasm $page_gz -> $page2_gz B gz ($page_raw -> $page2_raw B raw; the same bytes: $same); the live views' $live_gz -> $live2_gz B gz (+$((live2_gz - live_gz)))"
if [ "$page2_raw" -ne "$page_raw" ]; then
  echo "error: adding a protocol grew the page's wasm by $((page2_raw - page_raw)) B: something in the page decodes or names protocols"
  exit 1
fi
if [ "$live2_raw" -le "$live_raw" ]; then
  echo "error: the live views did not grow with the added protocol, so the probe was not built in"
  exit 1
fi
echo "test result: ok. 1 passed; 0 failed; (adding a protocol leaves the first load as it was)"
