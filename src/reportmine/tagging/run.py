"""Tag stored passages: pick a tagger, score passages, write the tags table.

Kept apart from the taggers so ingest and the CLI share one code path and
the choice "trained model if present, else keywords" lives in one place.
"""
from __future__ import annotations

import os
from pathlib import Path

from reportmine.progress import progress_bar
from reportmine.store import Store
from reportmine.tagging.context import with_neighbours
from reportmine.tagging.tagger import KeywordTagger, Tagger

_REPO_MODEL = Path(__file__).resolve().parents[3] / "models" / "tagger.pkl"
BATCH = 500  # passages tagged and saved per transaction


def default_model_path() -> Path:
    """$REPORTMINE_MODEL, else ./models/tagger.pkl, else the source tree's copy."""
    env = os.environ.get("REPORTMINE_MODEL")
    if env:
        return Path(env)
    local = Path("models") / "tagger.pkl"
    return local if local.exists() else _REPO_MODEL


def load_tagger(kind: str = "auto", model_path: Path | None = None) -> Tagger:
    """'keyword', 'trained' (the model must exist) or 'auto' (trained if present)."""
    from reportmine.tagging.model import TrainedTagger

    path = model_path or default_model_path()
    if kind == "keyword" or (kind == "auto" and not path.exists()):
        return KeywordTagger()
    return TrainedTagger.load(path)


def tag_store(store: Store, tagger: Tagger, all_passages: bool = False,
              progress: bool = False) -> int:
    """Tag passages without tags from this tagger's codebook and model
    versions (or all), each with its neighbours in the same section as
    context, a batch per transaction; return how many were tagged. With
    `progress`, a bar on a terminal counts the passages."""
    rows = store.untagged_passages(all_passages,
                                   (tagger.codebook_version, tagger.version))
    inputs = with_neighbours(rows)
    bar = progress_bar(len(rows), progress and len(rows) > BATCH, "tagging")
    try:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start:start + BATCH]
            results = tagger.tag(inputs[start:start + BATCH])
            store.save_tags({r["passage_id"]: tags for r, tags in zip(chunk, results)},
                            tagger.codebook_version, tagger.version)
            if bar:
                bar.step("passages", len(chunk))
    finally:
        if bar:
            bar.close()
    return len(rows)
