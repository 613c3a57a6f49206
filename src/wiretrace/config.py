"""Every tunable setting of wiretrace, in sections owned by their stages.

:class:`Config` is one section per stage (``config.story.min_match``), each a frozen
dataclass defined beside the stage that reads it, which documents and checks its fields
and tags them (wiretrace.settings). This module imports the sections, never the reverse,
so that a stage needs nothing of the others' settings. The defaults are the shipped
configuration: the same values are used on the seeds, the benchmarks and every
evaluation set.

A settings file (``wiretrace run --config``) is a JSON object of sections, each an object
of the section's fields: ``{"story": {"min_match": 0.5}, "run": {"workers": 2}}``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import orjson

from wiretrace.candidates import CandidatesSettings
from wiretrace.clean.settings import CleanSettings
from wiretrace.cluster import ClusterSettings
from wiretrace.errors import ConfigError
from wiretrace.fingerprint.settings import FingerprintSettings
from wiretrace.ingest.settings import IngestSettings
from wiretrace.settings import (
    COUNT,
    SHARE,
    WORKERS_PER_CORE,
    Bounds,
    RunSettings,
    Settings,
    settings_tag,
)
from wiretrace.story.settings import StorySettings
from wiretrace.trace_settings import TraceSettings
from wiretrace.verify import VerifySettings

__all__ = [
    "COUNT",
    "RENAMED",
    "SECTIONS",
    "SHARE",
    "WORKERS_PER_CORE",
    "Bounds",
    "CandidatesSettings",
    "CleanSettings",
    "ClusterSettings",
    "Config",
    "FingerprintSettings",
    "IngestSettings",
    "RunSettings",
    "Settings",
    "StorySettings",
    "TraceSettings",
    "VerifySettings",
    "settings_tag",
]


@dataclass(frozen=True)
class Config:
    """The settings of a run: one section per stage, in the order a run goes through them."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    clean: CleanSettings = field(default_factory=CleanSettings)
    fingerprint: FingerprintSettings = field(default_factory=FingerprintSettings)
    candidates: CandidatesSettings = field(default_factory=CandidatesSettings)
    verify: VerifySettings = field(default_factory=VerifySettings)
    story: StorySettings = field(default_factory=StorySettings)
    trace: TraceSettings = field(default_factory=TraceSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    run: RunSettings = field(default_factory=RunSettings)

    def __post_init__(self) -> None:
        """Each section checked its own fields when it was made; here, that each section
        is one (``Config(story={...})`` or a section in another's place is told, not run)."""
        problems = [
            f"{name}: {type(value).__name__} {value!r} is not {kind.__name__}"
            for name, kind in SECTIONS.items()
            if not isinstance(value := getattr(self, name), kind)
        ]
        if problems:
            raise ConfigError("; ".join(problems))

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """The settings as a settings file writes them: an object per section."""
        return {f.name: asdict(getattr(self, f.name)) for f in fields(self)}

    def tags(self) -> dict[str, str]:
        """Each section's tag (:meth:`wiretrace.settings.Settings.tag`)."""
        return {name: getattr(self, name).tag() for name in SECTIONS}

    @classmethod
    def from_dict(cls, data: dict) -> Config:
        """The settings of ``data`` (an object of sections, as :meth:`to_dict` writes), the
        defaults for what it leaves out. Every problem, of every section, is told at once,
        in one line."""
        if not isinstance(data, dict):
            raise ConfigError(
                f"settings must be a JSON object of sections, not {type(data).__name__}"
            )
        problems = _key_problems(data)
        sections: dict[str, Settings] = {}
        for name, kind in SECTIONS.items():
            given = data.get(name, {})
            if not isinstance(given, dict):
                continue  # told by _key_problems
            known = _section_names(kind)
            try:
                sections[name] = kind(**{k: v for k, v in given.items() if k in known})
            except ConfigError as exc:
                problems.append(str(exc))
        if problems:
            raise ConfigError("; ".join(problems))
        return cls(**sections)  # type: ignore[arg-type]  # each section of its own kind

    @classmethod
    def read_file(cls, path: str | Path, overrides: dict | None = None) -> Config:
        """The settings of a JSON file, with ``overrides`` (command-line options, sections
        of :meth:`to_dict`'s shape) on top, field by field."""
        try:
            data = orjson.loads(Path(path).read_bytes())
        except OSError as exc:
            raise ConfigError(f"settings file {path}: {exc.strerror or exc}") from exc
        except orjson.JSONDecodeError as exc:
            raise ConfigError(f"settings file {path} is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"settings file {path}: a JSON object of sections, please")
        return cls.from_dict(merged(data, overrides or {}))


#: Each section of :class:`Config` by its name, and the class of its settings.
SECTIONS: dict[str, type[Settings]] = {
    "ingest": IngestSettings,
    "clean": CleanSettings,
    "fingerprint": FingerprintSettings,
    "candidates": CandidatesSettings,
    "verify": VerifySettings,
    "story": StorySettings,
    "trace": TraceSettings,
    "cluster": ClusterSettings,
    "run": RunSettings,
}


def merged(data: dict, overrides: dict) -> dict:
    """``data`` with ``overrides`` on top: a section in both gets the fields of both."""
    out = dict(data)
    for name, section in overrides.items():
        if isinstance(section, dict) and isinstance(out.get(name), dict):
            out[name] = {**out[name], **section}
        else:
            out[name] = section
    return out


def _section_names(kind: type[Settings]) -> set[str]:
    return {f.name for f in fields(kind)}  # type: ignore[arg-type]  # a dataclass


def _new_place(name: str) -> str | None:
    """Where a setting of the name ``name`` is now (``story.min_match``), if anywhere."""
    if name in RENAMED:
        return RENAMED[name]
    found = [f"{s}.{name}" for s, kind in SECTIONS.items() if name in _section_names(kind)]
    return found[0] if len(found) == 1 else None


def _key_problems(data: dict) -> list[str]:
    """What is wrong with the names of ``data``: old flat names told their new place,
    unknown names, sections that are not objects."""
    problems = []
    unknown = []
    for key, value in data.items():
        if key in SECTIONS:
            if not isinstance(value, dict):
                was = f"; the old setting {key!r} is now {RENAMED[key]!r}" if key in RENAMED else ""
                problems.append(
                    f"config key {key!r}: the {key} settings, a JSON object of names and "
                    f"values (not {orjson.dumps(value, default=repr).decode()}){was}"
                )
                continue
            known = _section_names(SECTIONS[key])
            for name in value:
                if name in known:
                    continue
                place = _new_place(name)
                if place and place != f"{key}.{name}":
                    problems.append(f"config key '{key}.{name}' is now {place!r}")
                else:
                    unknown.append(f"{key}.{name}")
        elif key in RENAMED:
            why = RENAMED_WHY.get(key)
            problems.append(
                f"config key {key!r} is now {RENAMED[key]!r}{f': {why}' if why else ''}"
            )
        else:
            unknown.append(key)
    if unknown:
        problems.append(
            f"unknown config keys: {', '.join(sorted(unknown))} (sections: {', '.join(SECTIONS)})"
        )
    return problems


#: Settings that were renamed: each old name (a flat key of a settings file, before the
#: sections) and its place now, so that an old settings file is told, not ignored.
RENAMED: dict[str, str] = {
    "max_chars": "ingest.max_chars",
    "min_words": "ingest.min_words",
    "boilerplate_min_df": "clean.boilerplate_min_df",
    "boilerplate_max_story_overlap": "clean.boilerplate_max_story_overlap",
    "outlet_block_min_words": "clean.outlet_block_min_words",
    "outlet_block_max_name_overlap": "clean.outlet_block_max_name_overlap",
    "shingle_size": "fingerprint.shingle_size",
    "doc_num_perm": "fingerprint.doc_num_perm",
    "passage_num_perm": "fingerprint.passage_num_perm",
    "passage_max_words": "fingerprint.passage_max_words",
    "passage_min_words": "fingerprint.passage_min_words",
    "edit_rate": "fingerprint.edit_rate",
    "lsh_passage_recall": "fingerprint.lsh_passage_recall",
    "lsh_doc_recall": "fingerprint.lsh_doc_recall",
    "doc_structure_loss": "fingerprint.doc_structure_loss",
    "doc_lsh_max_passages": "fingerprint.doc_lsh_max_passages",
    "max_bucket": "candidates.max_bucket",
    "verify_min_shared": "verify.min_shared",
    "align_min_containment": "verify.align_min_containment",
    "align_min_shared": "verify.align_min_shared",
    "copy_min_coverage": "verify.copy_min_coverage",
    "partial_min_coverage": "verify.partial_min_coverage",
    "partial_min_block_words": "verify.partial_min_block_words",
    "partial_min_block_share": "verify.partial_min_block_share",
    "find_stories": "story.enabled",
    "story_lead_words": "story.lead_words",
    "encoder": "story.encoder",
    "encoder_lead_words": "story.encoder_lead_words",
    "encoder_lead_pieces": "story.encoder_lead_pieces",
    "story_fusion": "story.fusion",
    "story_foreign_min_encoder_similarity": "story.foreign_min_encoder_similarity",
    "story_min_match": "story.min_match",
    "story_window": "story.window",
    "story_horizon_days": "story.horizon_days",
    "story_block_min_match": "story.block_min_match",
    "story_blocking": "story.blocking",
    "story_undated_context": "story.undated_context",
    "story_max_neighbours": "story.max_neighbours",
    "rewrite_min_story_similarity": "story.rewrite_min_story_similarity",
    "rewrite_min_story_similarity_same_language": (
        "story.rewrite_min_story_similarity_same_language"
    ),
    "rewrite_foreign_word_similarity": "story.rewrite_foreign_word_similarity",
    "rewrite_min_passage_similarity": "story.rewrite_min_passage_similarity",
    "rewrite_margin": "story.rewrite_margin",
    "rewrite_min_coverage": "story.rewrite_min_coverage",
    "rewrite_min_passages": "story.rewrite_min_passages",
    "trace": "trace.enabled",
    "trace_margin": "trace.margin",
    "stitched_max_story_similarity": "trace.stitched_max_story_similarity",
    "trace_context_articles": "trace.context_articles",
    "shared_min_similarity": "trace.shared_min_similarity",
    "family_min_coverage": "cluster.family_min_coverage",
    "workers": "run.workers",
    "chunk_size": "run.chunk_size",
    "store_wait_seconds": "run.store_wait_seconds",
    "story_min_similarity": "story.min_match",
    "story_block_min_names": "story.block_min_match",
    "story_block_min_word": "story.block_min_match",
    "story_block_neighbours": "story.block_min_match",
}
#: Why a setting is not merely in its section now, where more than its place changed.
RENAMED_WHY = {
    "story_min_similarity": "stories are clustered on the event match, not on the "
    "similarity; re-choose it with `wiretrace eval ecbplus "
    "--sweep` (0.38 with the default encoder)",
    **dict.fromkeys(
        ("story_block_min_names", "story_block_min_word", "story_block_neighbours"),
        "blocking now proposes every pair whose match could reach story.min_match, "
        "whatever its vectors, instead of pairs sharing names or words or near by the "
        "encoder (wiretrace.story.blocking)",
    ),
}
