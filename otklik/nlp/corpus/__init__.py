"""Synthetic citizen messages of Volgograd Oblast, rendered from the region's reference data.

Pure Python: no database, no Django. The places, phrasings, names and the shape of the stream
are the versioned data files of otklik/directory/data/ (read through ``otklik.nlp.resources``).
The built-in classifier (``otklik.nlp.knowledge``) learns from a stream rendered here, and the
demo app (a layer above, which this package never imports) turns one into messages of the
platform. Modules:

* ``draw`` — seeded weighted choices and stable pseudo-random numbers;
* ``places`` — municipalities and city districts, locations and their points;
* ``people`` — authors: names, phones, e-mails;
* ``shape`` — channels, kinds, the hours and weekdays of a channel;
* ``templates`` — the text templates and their choice;
* ``filler`` — the values of the placeholders of a template;
* ``compose`` — the framing of a body for its channel and kind, typos;
* ``stream`` — the stream of drafts (originals, repeats) in time order.
"""
