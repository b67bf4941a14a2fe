"""WordNet 3.0 read from its database files (Debian's `wordnet-base`, /usr/share/wordnet; `BENCH_WORDNET`
points elsewhere), for the tasks built on it (gloss classification, the noun graph, word vocabularies).

A line of `data.<pos>` (wndb(5WN)) is: synset offset, lexicographer file number (two digits), synset type,
word count (two hex digits), each word with its lex id (one hex digit), pointer count (three digits), each
pointer as `symbol offset pos source/target` (the last four hex digits), verb frames (verbs only), then
` | ` and the gloss. Lines that begin with two spaces are the licence header.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bench.errors import BenchError

DEBIAN_FOLDER = Path("/usr/share/wordnet")
POS_FILES = {"noun": "data.noun", "verb": "data.verb", "adj": "data.adj", "adv": "data.adv"}
#: The lexicographer files by number, as lexnames(5WN) lists them; for nouns they are the supersenses.
LEXNAMES = (
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact", "noun.attribute",
    "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
    "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon", "noun.plant",
    "noun.possession", "noun.process", "noun.quantity", "noun.relation", "noun.shape", "noun.state",
    "noun.substance", "noun.time", "verb.body", "verb.change", "verb.cognition", "verb.communication",
    "verb.competition", "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
    "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather", "adj.ppl",
)  # fmt: skip
#: The 26 noun lexicographer files (noun.Tops and the 25 noun supersenses), the labels of the noun tasks.
SUPERSENSES = tuple(name for name in LEXNAMES if name.startswith("noun."))


@dataclass(frozen=True)
class Pointer:
    """A relation to another synset: `symbol` as in wndb(5WN) (`@` hypernym, `~` hyponym, `@i`/`~i` instance
    hypernym/hyponym, `#m #s #p` holonyms, `%m %s %p` meronyms, …); source/target 0 for a semantic relation."""

    symbol: str
    offset: int
    pos: str
    source: int
    target: int


@dataclass(frozen=True)
class Synset:
    offset: int
    pos: str  # n, v, a, s (adjective satellite), r
    lexname: str
    words: tuple[str, ...]  # lemmas as written in the file (spaces as underscores)
    pointers: tuple[Pointer, ...]
    gloss: str

    def related(self, *symbols: str) -> list[int]:
        """Offsets of the synsets this one points to with any of `symbols` (semantic relations only)."""
        return [p.offset for p in self.pointers if p.symbol in symbols and p.source == 0 and p.target == 0]


def folder() -> Path:
    return Path(os.environ.get("BENCH_WORDNET", DEBIAN_FOLDER))


def parse_line(line: str) -> Synset:
    """One synset from one line of a data file."""
    head, _, gloss = line.partition(" | ")
    fields = head.split()
    offset, lex_file, ss_type = int(fields[0]), int(fields[1]), fields[2]
    n_words = int(fields[3], 16)
    words = tuple(fields[4 : 4 + 2 * n_words : 2])
    at = 4 + 2 * n_words
    n_pointers = int(fields[at])
    pointers = tuple(
        Pointer(symbol, int(target), pos, int(st[:2], 16), int(st[2:], 16))
        for symbol, target, pos, st in (fields[at + 1 + 4 * i : at + 5 + 4 * i] for i in range(n_pointers))
    )
    return Synset(offset, ss_type, LEXNAMES[lex_file], words, pointers, gloss.strip())


@cache
def synsets(pos: str = "noun") -> dict[int, Synset]:
    """Every synset of a part of speech, by offset."""
    if pos not in POS_FILES:
        raise BenchError(f"unknown part of speech {pos!r}: one of {', '.join(POS_FILES)}")
    path = folder() / POS_FILES[pos]
    if not path.is_file():
        raise BenchError(
            f"WordNet not found ({path}): install Debian's wordnet-base (`make setup` does) or set BENCH_WORDNET "
            "to a folder with WordNet 3.0's data.* files"
        )
    with open(path, encoding="utf-8") as f:
        parsed = [parse_line(line) for line in f if not line.startswith("  ")]
    return {s.offset: s for s in parsed}


@cache
def gloss_sentences() -> tuple[tuple[str, ...], ...]:
    """Every gloss of WordNet (nouns, verbs, adjectives, adverbs: 117,659 glosses, 1.39 M words) as a sentence of
    lower-case words (scikit-learn's `CountVectorizer` analyser)."""
    from sklearn.feature_extraction.text import CountVectorizer

    analyse = CountVectorizer().build_analyzer()
    return tuple(tuple(analyse(s.gloss)) for pos in POS_FILES for s in synsets(pos).values())
