"""Meaning-level matching: rewrites, same-story relations and story clustering.

Where the copy engine needs shared wording, these modules compare what
articles *say*: word and name/number TF-IDF over the corpus (``lexical.py``),
sentence embeddings from a packaged model (``encoder.py``), and their
combination (``similarity.py``) into two scores in [0, 1] by logistics fitted
on dev data (``fusion.py``): the same-story *similarity* (human ratings) and
the event *match* that stories are clustered on (``clustering.py``).
"""
