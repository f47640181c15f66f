"""Full Picture record-linkage engine (pure Python: no Django).

Decides whether agency records are the same person: identifier checks, a Splink
(Fellegi-Sunter) model, constrained batch clustering, real-time matching, and a
synthetic population generator for tests and benchmarks.
"""

from .batch import link_batch
from .identifiers import clean_nhs_number, clean_pnc_id, clean_upn
from .model import LinkageModel
from .realtime import Matcher
from .synth import load_population, synth_population
from .types import Assignment, MatchResult, Method, Outcome, RecordIn, WaterfallStep

__all__ = [
    "Assignment",
    "LinkageModel",
    "MatchResult",
    "Matcher",
    "Method",
    "Outcome",
    "RecordIn",
    "WaterfallStep",
    "clean_nhs_number",
    "clean_pnc_id",
    "clean_upn",
    "link_batch",
    "load_population",
    "synth_population",
]
