"""WordNet's database files parsed: fields of real synsets checked against their lines by hand, the
lexicographer names against the manual page the package ships, and a clear message when it is missing."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from pathlib import Path

import pytest

from bench.data import wordnet
from bench.errors import BenchError

HAVE_WORDNET = (wordnet.folder() / "data.noun").is_file()
needs_wordnet = pytest.mark.skipif(not HAVE_WORDNET, reason="Debian's wordnet-base is not installed (`make setup`)")

CANINE = (
    "02083346 05 n 02 canine 0 canid 0 011 @ 02075296 n 0000 #m 02083038 n 0000 + 02677704 a 0101 ~ 02083672 n "
    "0000 ~ 02084071 n 0000 ~ 02114100 n 0000 ~ 02115096 n 0000 ~ 02115335 n 0000 ~ 02117135 n 0000 ~ 02118333 n "
    "0000 %p 02439929 n 0000 | any of various fissiped mammals with nonretractile claws and typically long muzzles  "
)


def test_parse_line_by_hand() -> None:
    s = wordnet.parse_line(CANINE)
    assert (s.offset, s.pos, s.lexname, s.words) == (2083346, "n", "noun.animal", ("canine", "canid"))
    assert len(s.pointers) == 11
    assert s.pointers[2] == wordnet.Pointer("+", 2677704, "a", 1, 1)  # a lexical (word-to-word) pointer
    assert s.related("@") == [2075296] and s.related("%p") == [2439929]
    assert s.related("~")[:2] == [2083672, 2084071]
    assert s.gloss == "any of various fissiped mammals with nonretractile claws and typically long muzzles"


@needs_wordnet
def test_noun_file_counts_and_a_known_synset() -> None:
    nouns = wordnet.synsets("noun")
    assert len(nouns) == 82115  # WordNet 3.0's noun synsets
    lexnames = Counter(s.lexname for s in nouns.values())
    assert len(lexnames) == 26 and all(name.startswith("noun.") for name in lexnames)  # 25 supersenses + Tops
    dog = nouns[2084071]
    assert dog.words == ("dog", "domestic_dog", "Canis_familiaris") and dog.lexname == "noun.animal"
    assert dog.related("@") == [2083346, 1317541]  # canine, domestic animal
    assert nouns[2083346].words[0] == "canine" and 2084071 in nouns[2083346].related("~")
    assert dog.gloss.startswith("a member of the genus Canis")


@needs_wordnet
def test_lexnames_match_the_manual_page() -> None:
    page = Path("/usr/share/man/man5/lexnames.5WN.gz")
    if not page.is_file():
        pytest.skip("the manual pages of wordnet-base are not installed")
    table = re.findall(r"^(\d\d)\t(\S+)", gzip.decompress(page.read_bytes()).decode(), flags=re.M)
    assert [name for _, name in table] == list(wordnet.LEXNAMES)
    assert [int(n) for n, _ in table] == list(range(len(wordnet.LEXNAMES)))


def test_missing_wordnet_names_the_package(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BENCH_WORDNET", str(tmp_path))
    wordnet.synsets.cache_clear()
    try:
        with pytest.raises(BenchError, match="install Debian's wordnet-base"):
            wordnet.synsets("noun")
        with pytest.raises(BenchError, match="unknown part of speech 'nouns'"):
            wordnet.synsets("nouns")
    finally:
        wordnet.synsets.cache_clear()
