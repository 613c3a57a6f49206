"""Meaning-level matching: rewrites, same-story relations and story clustering (issue 3).

Where the copy engine needs shared wording, these modules compare what
articles *say*: word and character TF-IDF over the corpus (``lexical.py``),
sentence embeddings from a packaged model (``encoder.py``), and their
combination into one same-story similarity in [0, 1] (``similarity.py``), by
a logistic fitted on dev data (``fusion.py``).
"""
