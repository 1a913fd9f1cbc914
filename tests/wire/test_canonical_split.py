"""canonical_split (issue 15) gives canonical_json's bytes with and without one key, and the cheap
NUL check answers as the regex alone did."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from central.sanitize import json_has_nul
from wire.canonical import canonical_json, canonical_split

_REGEX_ONLY = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
KEY = "content_sha256"
_keys = st.one_of(st.just(KEY), st.just("content_sha25"), st.just("content_sha256x"),
                  st.text(max_size=8))
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, _json, max_size=6))
def test_split_equals_canonical_json_with_and_without_the_key(value: dict[str, Any]) -> None:
    parsed = json.loads(json.dumps(value))  # what a request parser hands over
    full, without = canonical_split(parsed, KEY)
    assert full == canonical_json(parsed)
    assert without == canonical_json({k: v for k, v in parsed.items() if k != KEY})


def test_split_refuses_nan_like_canonical_json() -> None:
    with pytest.raises(TypeError):
        canonical_split(json.loads('{"a": NaN}'), KEY)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a\\\x00u0\"", max_size=12))
def test_the_cheap_nul_check_answers_as_the_regex(text: str) -> None:
    encoded = canonical_json({"t": text, "raw": text.replace("\x00", "")})
    for candidate in (encoded, text.encode("utf-8")):
        assert json_has_nul(candidate) == (_REGEX_ONLY.search(candidate) is not None)
