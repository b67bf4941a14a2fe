"""Data that tasks share: readers (WordNet), generators (synthesised speech, rendered glyphs), the inputs tasks
give their encoders (a corpus of texts, recordings, a graph) and the shared encoder rosters.

Tasks import from here and from `bench.encoders`, never from each other.
"""
