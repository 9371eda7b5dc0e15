"""Sixth-session shortcuts of sentence building give what the plain code gives: sentences
handed their field dict."""

from __future__ import annotations

import dataclasses

from auditor.document.blocks import BlockKind
from auditor.document.model import Sentence, _new_sentence


def test_sentence_takes_its_field_dict() -> None:
    fields: dict[str, object] = {
        field.name: value
        for field, value in zip(
            dataclasses.fields(Sentence),
            [0, "We sell data.", 0, 4, 17, 1, ("Sharing",), 2, BlockKind.PARAGRAPH, ()],
            strict=True,
        )
    }
    sentence = _new_sentence(dict(fields))
    assert sentence == Sentence(**fields)  # type: ignore[arg-type]
    assert list(vars(sentence).items()) == list(fields.items())
    assert sentence.end == 13
    handed = dict(fields)
    assert vars(_new_sentence(handed)) is handed
