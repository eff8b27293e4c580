"""storyline.nlp.pipeline: the faster parse gives exactly the annotations of spaCy's own pipeline."""

from __future__ import annotations

import numpy as np
import pytest
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, ORTH, POS, SENT_START, TAG

from storyline.models_registry import spacy_model
from storyline.nlp.analyze import make_doc
from storyline.nlp.pipeline import FastAttributeRuler, FastLemmatizer, parse, prepare

ATTRS = [ORTH, TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE, SENT_START]

TEXTS = [
    # the attribute ruler's exception patterns: two-token ones, REGEX, IS_SPACE, DEP, LEMMA
    "Y'all ain't gonna believe it. Let's go, c'mon! There is a dog.  There were   two.\n\n \n"
    " He gets it; she got it. I'd say so. Gotta go, y all. Something is wrong, said nobody.",
    "ANKARA, Oct 15 (Reuters) - A magnitude 6.1 earthquake struck on Tuesday, killing at least 41 people, "
    "officials said.\n\n\"We will rebuild,\" Mayor Lena Holm said on Wednesday. The city's council voted 7-2.",
    "Prices rose 3.2% in March, the statistics office said, while unemployment fell to 4.1 percent.\t\n"
    "Analysts had expected a smaller rise. \u201cIt is worse than we thought,\u201d one told us.",
    "",
    " ",
    "\n\n",
    "Short",
]


@pytest.fixture(scope="module")
def default_nlp():
    """A separate copy of the packaged model, exactly as it loads (BLIS ops, original components)."""
    return spacy_model.__wrapped__()


def test_parse_matches_the_default_pipeline_token_for_token(default_nlp):
    nlp = spacy_model()
    expected = [d.to_array(ATTRS) for d in default_nlp.pipe(TEXTS)]
    got = [d.to_array(ATTRS) for d in parse(nlp, (nlp.make_doc(t) for t in TEXTS), batch_size=3)]
    assert len(got) == len(expected)
    for text, e, g in zip(TEXTS, expected, got):
        assert np.array_equal(e, g), text


def test_fast_components_replace_the_slow_ones():
    kinds = {name: type(proc) for name, proc in prepare(spacy_model())}
    assert kinds["attribute_ruler"] is FastAttributeRuler
    assert kinds["lemmatizer"] is FastLemmatizer


def test_make_doc_marks_every_line_start_as_sentence_start():
    nlp = spacy_model()
    text = "One line.\nSecond line with words\n\nThird  paragraph.\n \nLast"
    doc = make_doc(nlp, text)
    expected = [i for i in range(1, len(doc)) if "\n" in doc[i - 1].text or "\n" in doc[i - 1].whitespace_]
    assert [i for i in range(1, len(doc)) if doc[i].is_sent_start] == expected
    assert expected
