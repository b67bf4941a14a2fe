#!/usr/bin/env bash
# Debian packages the offline data sets and tools need: Chromium (the HTML report's browser test),
# Fashion-MNIST (the `fashion-mnist` task), WordNet 3.0 (`bench.data.wordnet`), the speech synthesisers of the audio
# tasks (`bench.data.speech`) and the fonts the `glyphs` task renders (listed in src/bench/data/glyph-fonts.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(chromium dataset-fashion-mnist wordnet-base espeak-ng flite)
while read -r package _; do packages+=("$package"); done < <(grep -v "^#" src/bench/data/glyph-fonts.txt)
missing=()
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
