"""The settings of the trace stage (section ``trace`` of a settings file): originals,
derivations and per-version diffs.

Beside the package rather than in it: importing ``wiretrace.trace.settings`` would run
``wiretrace/trace/__init__.py``, which loads the whole stage, and that reads the
configuration this section is part of (an import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

from wiretrace.settings import Settings


@dataclass(frozen=True, slots=True)
class TraceSettings(Settings):
    SECTION = "trace"

    #: Work out originals, derivations and per-version diffs after the stories.
    enabled: bool = True
    #: Evidence for one version over another (completeness, containment) must differ by
    #: at least this; otherwise the direction is marked as undetermined.
    margin: float = 0.05
    #: An added passage whose best similarity to any passage elsewhere in its story is
    #: below this was stitched in from another story: paragraphs stitched in score well
    #: under it, a version's own added reporting well over it (docs/decisions.md).
    stitched_max_story_similarity: float = 0.15
    #: Story members (besides the version) whose passages are compared with its added ones.
    context_articles: int = 10
    #: A copy-aligned passage with less than this similarity counts as reworded, not shared.
    shared_min_similarity: float = 0.5
