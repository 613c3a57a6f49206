"""The settings of the fingerprint stage (section ``fingerprint`` of a settings file), and
the tag stored with every fingerprint.

A later run reuses a stored fingerprint only when it was made under the settings of this
run: a fingerprint made under others has band keys that no longer meet this run's, and
its copies would go unseen. So the stage reads its settings only from
:class:`FingerprintSettings` (``config.fingerprint``), and the tag is a digest of every
field of it (:meth:`wiretrace.settings.Settings.tag`): a setting the stage reads is a
field, and a field is in the tag without anyone listing it. A setting that changes which
pairs are compared but not the fingerprints (``candidates.max_bucket``) is not here: it
would have every store re-fingerprinted for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiretrace.settings import Bounds, Settings

#: Bump when a change of the code makes stored fingerprints incomparable with new ones
#: (the settings' own changes are in the tag already).
ALGORITHM_VERSION = 3


@dataclass(frozen=True, slots=True)
class FingerprintSettings(Settings):
    """What a fingerprint depends on."""

    SECTION = "fingerprint"
    BOUNDS = {
        "shingle_size": Bounds(1),
        "doc_num_perm": Bounds(1),
        "passage_num_perm": Bounds(1),
        "passage_max_words": Bounds(1),
        # the banding divides by log(1 - p): an edit rate of 1 or a recall of 1 has no banding
        "edit_rate": Bounds(0, 1, high_open=True),
        "lsh_passage_recall": Bounds(0, 1, low_open=True, high_open=True),
        "lsh_doc_recall": Bounds(0, 1, low_open=True, high_open=True),
    }

    #: Word n-gram size of the shingles hashed into MinHash sketches.
    shingle_size: int = 4
    #: Bins of the whole-document one-permutation MinHash.
    doc_num_perm: int = 128
    #: Bins of each passage sketch.
    passage_num_perm: int = 32
    #: Paragraphs longer than this many words are cut into windows of this size.
    passage_max_words: int = 120
    #: Paragraphs shorter than this are joined to the next one before sketching.
    passage_min_words: int = 30
    #: Word edit rate the LSH must survive: bands and rows are chosen so that a
    #: copy with this rate of substituted words is found with ``lsh_*_recall``.
    edit_rate: float = 0.10
    #: Probability of finding one passage (or whole document) at ``edit_rate``.
    lsh_passage_recall: float = 0.95
    lsh_doc_recall: float = 0.99
    #: Extra loss of whole-document Jaccard from added, dropped or stitched paragraphs.
    doc_structure_loss: float = 0.6
    #: Whole-document LSH keys only for articles with at most this many passages: a longer
    #: article's copies are found by its passages (each at ``lsh_passage_recall``), and its
    #: document keys would be a large share of its copy index for no copy found
    #: (docs/decisions.md).
    doc_lsh_max_passages: int = 7

    def describe(self, **extra: object) -> str:
        """Everything a stored fingerprint depends on, readable (the tag is its digest)."""
        return Settings.describe(self, algorithm=ALGORITHM_VERSION, **extra)
