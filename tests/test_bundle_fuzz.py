"""Hypothesis fuzz of bundles and forms: bad input gives a Spanish refusal, never a crash."""

from __future__ import annotations

import contextlib
import copy
import json
import os
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.bundles.apply import sign_bundle, verify_bundle
from desktop.bundles.schema import Bundle, Campo
from desktop.bundles.signing import parse_envelope
from desktop.capture.fees import compute_cobros
from desktop.capture.validation import validate_answers, validate_field
from desktop.demo import DEMO_PRIVATE_KEY_PATH, DEMO_PUBLIC_KEY_PEM
from desktop.demo.catalogo_demo import build_bundle
from desktop.errors import BundleError, VentanillaError
from wire.canonical import canonical_json

# Derandomized so `make test` is deterministic; VENTANILLA_FUZZ_EXAMPLES=5000 digs deeper.
FUZZ = settings(max_examples=int(os.environ.get("VENTANILLA_FUZZ_EXAMPLES", "150")),
                deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DEMO_KEY = DEMO_PRIVATE_KEY_PATH.read_bytes()
SOURCE = build_bundle()
DEMO = Bundle.model_validate(SOURCE)
PATRON = DEMO.clave_catastral_patron

json_values = st.recursive(
    # canonical JSON has no NaN or Infinity: a signer cannot produce them (the garbage test
    # below still feeds them as raw bytes)
    st.none() | st.booleans() | st.integers(-10**6, 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | st.sampled_from(["", "0", "-1", "1e999", "NaN", "uma", "x/0"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(SOURCE)


def _mutated(path: tuple[Any, ...], value: Any, delete: bool) -> dict[str, Any]:
    data = copy.deepcopy(SOURCE)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


def _fees_for_every_tramite(bundle: Bundle) -> None:
    for tramite in bundle.tramites:
        answers = {c.clave: "7" for c in tramite.campos if c.tipo == "numero"}
        with contextlib.suppress(VentanillaError):
            compute_cobros(tramite, answers, bundle.uma_diaria)


@FUZZ
@given(st.binary(max_size=400))
def test_random_envelope_bytes(data: bytes) -> None:
    try:
        payload, signature = parse_envelope(data)
    except BundleError:
        return
    assert len(signature) == 64 and payload


@FUZZ
@given(st.binary(max_size=400) | json_values.map(lambda v: json.dumps(v).encode())
       | st.sampled_from([b'{"version": NaN}', b'{"format": Infinity}', b"[-Infinity]"]))
def test_signed_garbage_payload_is_refused_cleanly(payload: bytes) -> None:
    try:
        verify_bundle(payload, sign_bundle(payload, DEMO_KEY), DEMO_PUBLIC_KEY_PEM)
    except BundleError:
        return
    raise AssertionError("a garbage payload was accepted")


@FUZZ
@given(st.sampled_from(PATHS), json_values, st.booleans())
def test_signed_mutations_of_the_demo_bundle(path: tuple[Any, ...], value: Any,
                                              delete: bool) -> None:
    data = _mutated(path, value, delete and isinstance(path[-1], str))
    payload = canonical_json(data)
    try:
        bundle = verify_bundle(payload, sign_bundle(payload, DEMO_KEY), DEMO_PUBLIC_KEY_PEM)
    except BundleError as refusal:
        assert refusal.message and not refusal.message.startswith("Traceback")
        return
    _fees_for_every_tramite(bundle)


@FUZZ
@given(st.sampled_from([c for t in DEMO.tramites for c in t.campos]),
       st.text(max_size=40) | st.sampled_from(["12-345-678", "+52 662 123 4567", "83000",
                                               "15/01/2026", "1,234.50", "Sí"]))
def test_any_text_in_any_field(campo: Campo, raw: str) -> None:
    first = validate_field(campo, raw, clave_catastral_patron=PATRON)
    assert (first.error is None) or (first.value is None)
    if first.value is not None:
        again = validate_field(campo, first.value, clave_catastral_patron=PATRON)
        assert again.error is None and again.value == first.value, "cleaning is idempotent"


@FUZZ
@given(st.sampled_from(DEMO.tramites), st.data())
def test_random_forms_validate_and_price_without_crashing(tramite: Any, data: Any) -> None:
    raw_value = st.none() | st.booleans() | st.text(max_size=12) | st.decimals(
        allow_nan=False, allow_infinity=False, places=3) | st.integers(-10**18, 10**18)
    answers = data.draw(st.fixed_dictionaries(
        {}, optional={c.clave: raw_value for c in tramite.campos}))
    result = validate_answers(tramite, answers, clave_catastral_patron=PATRON)
    try:
        lines = compute_cobros(tramite, result.cleaned, DEMO.uma_diaria)
    except VentanillaError:
        return
    assert all(line.importe > 0 and line.importe == line.importe.quantize(Decimal("0.01"))
               for line in lines)
