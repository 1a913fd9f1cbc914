"""Field validation: what the operator types, what gets stored, and the Spanish message."""

from __future__ import annotations

from typing import Any

import pytest
from stdnum.mx import curp as stdnum_curp
from stdnum.mx import rfc as stdnum_rfc

from desktop.bundles.schema import Bundle, Campo, TramiteDef
from desktop.capture.validation import FieldCheck, validate_answers, validate_field
from desktop.demo.catalogo_demo import build_bundle

PATRON = r"^\d{2}-\d{3}-\d{3}$"
DEMO = Bundle.model_validate(build_bundle())
CURP = "GOMC850315HSRNRR0" + stdnum_curp.calc_check_digit("GOMC850315HSRNRR0")
CURP_X = "GOMC850315XSRNRR0" + stdnum_curp.calc_check_digit("GOMC850315XSRNRR0")
RFC_FISICA = "GOMC850315AB" + stdnum_rfc.calc_check_digit("GOMC850315AB")
RFC_MORAL = "CFE370814QI" + stdnum_rfc.calc_check_digit("CFE370814QI")
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def campo(tipo: str, **extra: Any) -> Campo:
    return Campo.model_validate({"clave": "dato", "etiqueta": "Dato", "tipo": tipo, **extra})


def check(tipo: str, raw: object, **extra: Any) -> FieldCheck:
    return validate_field(campo(tipo, **extra), raw, clave_catastral_patron=PATRON)


def cleaned(tipo: str, raw: object, **extra: Any) -> Any:
    result = check(tipo, raw, **extra)
    assert result.error is None, result.error
    return result.value


def error(tipo: str, raw: object, **extra: Any) -> str:
    result = check(tipo, raw, **extra)
    assert result.error is not None, f"{raw!r} was accepted as {result.value!r}"
    assert result.value is None
    return result.error


# --- empty and required ----------------------------------------------------------------------

@pytest.mark.parametrize("tipo", ["texto", "numero", "fecha", "curp", "rfc", "cp", "telefono",
                                  "email", "clave_catastral", "archivo", "booleano"])
@pytest.mark.parametrize("raw", [None, "", "   "])
def test_required_but_empty(tipo: str, raw: str | None) -> None:
    assert error(tipo, raw, requerido=True) == "Este dato es obligatorio."
    assert check(tipo, raw) == FieldCheck(None)


def test_wrong_python_type_is_an_error_not_a_crash() -> None:
    assert error("texto", 12) == "Valor no válido para este dato."
    assert error("curp", ["A"]) == "Valor no válido para este dato."
    assert error("numero", True) == "Valor no válido para este dato."


# --- texto, numero, fecha, seleccion, booleano ------------------------------------------------

def test_texto() -> None:
    assert cleaned("texto", "  Calle Rosales 123  ") == "Calle Rosales 123"
    assert cleaned("texto", "Línea 1\nLínea 2") == "Línea 1\nLínea 2"
    assert cleaned("texto", "Jose\u0301") == "Jos\u00e9"  # decomposed accent -> composed
    assert error("texto", "x" * 11, max_longitud=10) == "Máximo 10 caracteres (tiene 11)."
    assert error("texto", "a\x00b") == "El texto contiene caracteres no permitidos."


@pytest.mark.parametrize(("raw", "value"), [
    ("120", "120"), (" 120.50 ", "120.50"), ("1,234.5", "1234.5"), ("$ 1,000", "1000"),
    ("0.5", "0.5"), (".5", "0.5"), ("-0", "0"), ("007", "7"), (3, "3"), (2.5, "2.5"),
])
def test_numero_cleaned(raw: object, value: str) -> None:
    assert cleaned("numero", raw) == value


@pytest.mark.parametrize("raw", ["diez", "1e5", "1,23", "12,34.5", "1.2.3", "NaN", "Infinity",
                                 "١٢", "1" * 16])
def test_numero_rejected(raw: str) -> None:
    assert error("numero", raw) == "Escriba un número (por ejemplo 120 o 120.50)."


def test_numero_range() -> None:
    assert error("numero", "0", minimo="1") == "El valor mínimo es 1."
    assert error("numero", "30.5", maximo="30") == "El valor máximo es 30."
    assert cleaned("numero", "30", minimo="1", maximo="30") == "30"


@pytest.mark.parametrize(("raw", "value"), [
    ("2026-03-09", "2026-03-09"), ("09/03/2026", "2026-03-09"), ("9/3/2026", "2026-03-09"),
    ("2026-3-9", "2026-03-09"), ("29-02-2024", "2024-02-29"),
])
def test_fecha_accepts_iso_and_day_first(raw: str, value: str) -> None:
    assert cleaned("fecha", raw) == value


def test_fecha_rejected() -> None:
    assert error("fecha", "31/02/2026") == "Esa fecha no existe; revise el día y el mes."
    assert error("fecha", "03-09-26").startswith("Escriba la fecha como DD/MM/AAAA")
    assert error("fecha", "01/01/1850") == "El año debe estar entre 1900 y 2100."
    assert error("fecha", "mañana").startswith("Escriba la fecha")


def test_seleccion_by_valor_or_etiqueta() -> None:
    opciones = [{"valor": "domestico", "etiqueta": "Doméstico"},
                {"valor": "comercial", "etiqueta": "Comercial"}]
    assert cleaned("seleccion", "domestico", opciones=opciones) == "domestico"
    assert cleaned("seleccion", "DOMÉSTICO", opciones=opciones) == "domestico"
    assert error("seleccion", "industrial", opciones=opciones) == (
        "Elija una de las opciones: Doméstico, Comercial.")


@pytest.mark.parametrize(("raw", "value"), [
    (True, True), (False, False), ("Sí", True), ("si", True), ("NO", False), ("1", True),
    ("0", False),
])
def test_booleano(raw: object, value: bool) -> None:
    assert cleaned("booleano", raw) is value


def test_booleano_rejected() -> None:
    assert error("booleano", "tal vez") == "Responda sí o no."


# --- CURP and RFC --------------------------------------------------------------------------------

def test_curp_is_compacted_and_upper_cased() -> None:
    spaced = f"{CURP[:4].lower()} {CURP[4:10]}-{CURP[10:]}"
    assert cleaned("curp", spaced) == CURP


def test_curp_with_sex_x_is_valid_although_stdnum_rejects_it() -> None:
    assert not stdnum_curp.is_valid(CURP_X)
    assert cleaned("curp", CURP_X) == CURP_X
    wrong_digit = CURP_X[:-1] + str((int(CURP_X[-1]) + 1) % 10)
    assert "dígito verificador" in error("curp", wrong_digit)


def test_curp_born_after_2000() -> None:
    base = "LOPA050712MSRPRNA"
    assert cleaned("curp", base + stdnum_curp.calc_check_digit(base)) == base + (
        stdnum_curp.calc_check_digit(base))


@pytest.mark.parametrize(("raw", "message"), [
    ("GOMC850315HSRNRR", "La CURP debe tener 18 caracteres (tiene 16)."),
    ("GOMC85031AHSRNRR01", "La CURP no tiene el formato correcto"),
    ("GOMC850315ZSRNRR01", "La CURP no tiene el formato correcto"),
    ("GOMC851315HSRNRR0" + stdnum_curp.calc_check_digit("GOMC851315HSRNRR0"),
     "fecha de nacimiento o una entidad federativa"),
    ("GOMC850315HZZNRR0" + stdnum_curp.calc_check_digit("GOMC850315HZZNRR0"),
     "fecha de nacimiento o una entidad federativa"),
    (CURP[:-1] + str((int(CURP[-1]) + 1) % 10), "El dígito verificador de la CURP no coincide"),
])
def test_curp_errors(raw: str, message: str) -> None:
    assert message in error("curp", raw)


def test_rfc_valid_persona_fisica_and_moral() -> None:
    assert check("rfc", f"{RFC_FISICA[:4].lower()}-{RFC_FISICA[4:10]}-{RFC_FISICA[10:]}") == (
        FieldCheck(RFC_FISICA))
    assert check("rfc", RFC_MORAL) == FieldCheck(RFC_MORAL)


def test_rfc_with_a_wrong_check_digit_is_a_warning() -> None:
    wrong = RFC_FISICA[:-1] + ("1" if RFC_FISICA[-1] != "1" else "2")
    result = check("rfc", wrong)
    assert result.error is None and result.value == wrong
    assert result.warning is not None and "homoclave del RFC" in result.warning


@pytest.mark.parametrize("generic", ["XAXX010101000", "xexx010101000"])
def test_generic_rfcs_are_accepted(generic: str) -> None:
    assert check("rfc", generic) == FieldCheck(generic.upper())


@pytest.mark.parametrize(("raw", "message"), [
    ("GOMC850315", "El RFC debe tener 12 caracteres"),
    ("GOMC851315AB1", "La fecha del RFC no existe"),
    ("G0MC850315AB1", "El RFC no tiene el formato correcto."),
])
def test_rfc_errors(raw: str, message: str) -> None:
    assert error("rfc", raw).startswith(message)


# --- contact data, clave catastral, archivo ------------------------------------------------------

@pytest.mark.parametrize(("raw", "value"), [
    ("6621234567", "6621234567"), ("662 123 4567", "6621234567"),
    ("(662) 123-45-67", "6621234567"), ("+52 662 123 4567", "6621234567"),
    ("52 662 123 4567", "6621234567"), ("+52 1 662 123 4567", "6621234567"),
    ("5212345678", "5212345678"),
])
def test_telefono(raw: str, value: str) -> None:
    assert cleaned("telefono", raw) == value


@pytest.mark.parametrize("raw", ["123 4567", "+1 662 123 4567", "0621234567", "66212345678",
                                 "662-ABC-4567"])
def test_telefono_rejected(raw: str) -> None:
    assert error("telefono", raw).startswith("El teléfono debe tener 10 dígitos")


def test_cp() -> None:
    assert cleaned("cp", "83 000") == "83000"
    for raw in ["8300", "830000", "00123", "83A00"]:
        assert error("cp", raw).startswith("El código postal debe tener 5 dígitos")


def test_email() -> None:
    assert cleaned("email", " Ana.Lopez@Hermosillo.GOB.MX ") == "Ana.Lopez@hermosillo.gob.mx"
    for raw in ["ana", "ana@", "ana@mx", "ana lopez@correo.mx", "ana@@correo.mx",
                ".ana@correo.mx", "ana@correo..mx", "añá@correo.mx"]:
        assert error("email", raw).startswith("Escriba un correo electrónico válido"), raw


def test_clave_catastral_follows_the_bundle_pattern() -> None:
    assert cleaned("clave_catastral", " 12-345-678 ") == "12-345-678"
    for raw in ["12345678", "12-345-6789", "١٢-٣٤٥-٦٧٨"]:
        assert error("clave_catastral", raw).startswith("La clave catastral no tiene el formato")


def test_archivo_is_a_sha256() -> None:
    assert cleaned("archivo", SHA.upper()) == SHA
    assert error("archivo", "foto.jpg") == "El archivo adjunto no es válido; vuelva a adjuntarlo."


# --- whole forms -------------------------------------------------------------------------------

def demo(homoclave: str) -> TramiteDef:
    return next(t for t in DEMO.tramites if t.homoclave == homoclave)


def test_validate_answers_cleans_a_real_form() -> None:
    answers = {
        "nombre": "  María Guadalupe Ruiz Valenzuela ", "curp": CURP.lower(),
        "rfc": RFC_FISICA, "telefono": "+52 (662) 210 3040", "email": "lupita@Correo.MX",
        "domicilio": "Blvd. Kino 1020, Col. Pitic", "cp": "83150",
        "nombre_comercial": "Abarrotes La Lupita", "giro": "Abarrotes y misceláneas",
        "clave_catastral": "12-345-678", "superficie_m2": "48.5", "empleados": "2",
        "fecha_inicio": "15/01/2026", "vende_alcohol": False,
    }
    result = validate_answers(demo("HMO-TM-003"), answers, clave_catastral_patron=PATRON)
    assert result.ok and result.warnings == {}
    assert result.cleaned == {
        "nombre": "María Guadalupe Ruiz Valenzuela", "curp": CURP, "rfc": RFC_FISICA,
        "telefono": "6622103040", "email": "lupita@correo.mx",
        "domicilio": "Blvd. Kino 1020, Col. Pitic", "cp": "83150",
        "nombre_comercial": "Abarrotes La Lupita", "giro": "abarrotes",
        "clave_catastral": "12-345-678", "superficie_m2": "48.5", "empleados": "2",
        "fecha_inicio": "2026-01-15", "vende_alcohol": False,
    }


def test_validate_answers_reports_every_problem_by_campo() -> None:
    answers = {"nombre": "", "curp": "XXXX", "telefono": "662", "cp": "83000",
               "domicilio": "Calle 5", "colorfavorito": "azul", "email": ""}
    result = validate_answers(demo("HMO-TM-002"), answers, clave_catastral_patron=PATRON)
    assert set(result.errors) == {"nombre", "curp", "telefono", "clave_catastral", "motivo",
                                  "colorfavorito"}
    assert result.errors["nombre"] == "Este dato es obligatorio."
    assert result.errors["colorfavorito"] == "Este dato no corresponde al trámite."
    assert not result.ok
    assert "email" not in result.cleaned and result.cleaned["cp"] == "83000"


def test_validate_answers_passes_warnings_through() -> None:
    wrong = RFC_FISICA[:-1] + ("1" if RFC_FISICA[-1] != "1" else "2")
    answers = {"nombre": "Jesús Encinas", "curp": CURP, "rfc": wrong, "telefono": "6621112233",
               "domicilio": "Calle 5", "cp": "83000", "clave_catastral": "01-002-003",
               "valor_catastral": "250000", "ejercicio": "2026"}
    result = validate_answers(demo("HMO-TM-001"), answers, clave_catastral_patron=PATRON)
    assert result.ok and set(result.warnings) == {"rfc"}
    assert result.cleaned["rfc"] == wrong
