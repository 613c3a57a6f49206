"""The settings of the fingerprint stage, and the tag stored with every fingerprint.

A later run reuses a stored fingerprint only when it was made under the settings of this
run: a fingerprint made under others has band keys that no longer meet this run's, and
its copies would go unseen. So the stage reads its settings only from
:class:`FingerprintSettings` (not from the whole :class:`~wiretrace.config.Config`), and
the tag is a digest of every field of it: a setting the stage reads is a field, and a
field is in the tag without anyone listing it.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, fields

import orjson

#: Bump when a change of the code makes stored fingerprints incomparable with new ones
#: (the settings' own changes are in the tag already).
ALGORITHM_VERSION = 3


@dataclass(frozen=True, slots=True)
class FingerprintSettings:
    """What a fingerprint depends on: the fields of the same names of
    :class:`~wiretrace.config.Config`, which documents and checks them."""

    shingle_size: int
    doc_num_perm: int
    passage_num_perm: int
    passage_max_words: int
    passage_min_words: int
    edit_rate: float
    lsh_passage_recall: float
    lsh_doc_recall: float
    doc_structure_loss: float
    doc_lsh_max_passages: int

    @classmethod
    def of(cls, config: object) -> FingerprintSettings:
        """The fingerprint settings of ``config`` (a Config): each field read by its name,
        so that this module needs nothing of the configuration's."""
        return cls(**{f.name: getattr(config, f.name) for f in fields(cls)})

    def describe(self) -> str:
        """Everything a stored fingerprint depends on, readable (the tag is its digest)."""
        settings = {"algorithm": ALGORITHM_VERSION, **asdict(self)}
        return orjson.dumps(settings, option=orjson.OPT_SORT_KEYS).decode()

    def tag(self) -> str:
        """Short version tag (8 hex digits) stored with each fingerprint: those made under
        another tag are rebuilt from the stored text."""
        return hashlib.blake2b(self.describe().encode(), digest_size=4).hexdigest()
