"""Understanding citizens' messages (issue 4): normalisation, language, sector and topic,
place, tone and urgency, conflict signals, personal data, near-duplicates.

``otklik.nlp.pipeline.Pipeline`` runs the stages of ``otklik.nlp.stages`` over batches;
``otklik.nlp.knowledge`` is the built-in classifier (the taxonomy's own knowledge),
``otklik.nlp.training`` the trainable one; ``otklik nlp train|evaluate|classify`` the commands.
The pipeline needs no database.
"""
