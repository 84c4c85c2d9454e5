"""Writes of the language pipeline, by concern:

- ``analysis``: analyse a message (or a batch), store the result, fill what the channel did not
  say (through the intake);
- ``duplicates``: near-duplicates among the stored messages and their band keys;
- ``texts``: personal data masked once and kept;
- ``corrections``: an operator's correction, kept as a training signal;
- ``classifiers``: train, register, switch on and roll back classifier models;
- ``reprocess``: re-process the stored messages in batches.

The pipeline's CPU work runs outside transactions; each write is one short transaction with
its audit event. The public services other apps call are re-exported here.
"""

from otklik.nlp.services.analysis import AnalysisOutcome, message_analyse, messages_analyse
from otklik.nlp.services.classifiers import (
    model_activate,
    model_register,
    model_rollback,
    model_train_from_history,
)
from otklik.nlp.services.corrections import analysis_correct
from otklik.nlp.services.duplicates import bands_prune
from otklik.nlp.services.reprocess import reprocess_cancel, reprocess_start, reprocess_step
from otklik.nlp.services.texts import texts_mask_store

__all__ = [
    "AnalysisOutcome",
    "analysis_correct",
    "bands_prune",
    "message_analyse",
    "messages_analyse",
    "model_activate",
    "model_register",
    "model_rollback",
    "model_train_from_history",
    "reprocess_cancel",
    "reprocess_start",
    "reprocess_step",
    "texts_mask_store",
]
