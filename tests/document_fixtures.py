"""A captured expediente inserted row by row (trámite, dependencia, office, user, bundle), so the
document tests do not depend on the capture service's rules."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.access.permissions import CurrentUser, Role
from desktop.bundles.schema import Bundle, TramiteDef
from desktop.context import AppContext, open_context
from localdb.models import ConfigBundleRecord, Dependencia, Expediente, SyncState, Tramite, User
from wire.canonical import canonical_json

MACHINE_ID = "0192f3e4-5b6c-7d8e-9f00-112233445566"
FOLIO = "OFI-V03-2026-000123"
SHA = "3f" * 32
AVISO = ("El H. Ayuntamiento de Hermosillo es responsable del tratamiento de sus datos "
         "personales, que se usarán solo para este trámite.")
CONCEPTOS = [
    ("Derechos por licencia de construcción", "4.3.1.1", "850.00"),
    ("Revisión de planos arquitectónicos", "4.3.1.2", "312.50"),
    ("Constancia de alineamiento y número oficial", "4.3.9.4", "72.00"),
]
TOTAL = Decimal("1234.50")
OPERADOR = CurrentUser("lucia", "Lucía Ibáñez Ortega", Role.OPERADOR)


@dataclass
class Office:
    ctx: AppContext
    folio: str
    user: CurrentUser


def _tramite_def(nombre: str) -> TramiteDef:
    return TramiteDef.model_validate({
        "homoclave": "HMO-DDUE-001", "version": 1, "nombre": nombre, "dependencia": "DDUE",
        "nivel_digitalizacion": 3, "plazo_dias": 15, "campos": [],
        "requisitos": [
            {"clave": "ine", "descripcion": "Identificación oficial vigente"},
            {"clave": "planos", "descripcion": "Planos arquitectónicos firmados"},
            {"clave": "predial", "descripcion": "Recibo de predial al corriente"},
        ],
        "cobros": [],
    })


def _bundle(tramite: TramiteDef, dias_inhabiles: list[date] | None = None,
            dias_para_pago: int | None = None) -> Bundle:
    return Bundle.model_validate({
        "format": "ventanilla-bundle/1", "version": 1, "valid_from": date(2026, 1, 1),
        "min_app_version": "0.1.0", "municipio": {"nombre": "Hermosillo", "estado": "Sonora"},
        "uma_diaria": "113.14", "clave_catastral_patron": "^\\d{2}-\\d{3}-\\d{3}$",
        "max_anexo_mb": 10, "aviso_privacidad": AVISO,
        "dependencias": [{"clave": "DDUE", "nombre": "Desarrollo Urbano y Ecología"}],
        "tramites": [tramite], "dias_inhabiles": dias_inhabiles or [],
        "dias_para_pago": dias_para_pago,
    })


def seed_office(data_dir: Path, *, nombre: str = "José Peña Núñez",
                tramite_nombre: str = "Licencia de construcción", demo: bool = False,
                payment_method: str | None = None, dias_inhabiles: list[date] | None = None,
                dias_para_pago: int | None = None, **expediente: Any) -> Office:
    """Open a fresh store and insert one captured expediente with folio FOLIO."""
    ctx = open_context(data_dir)
    tramite = _tramite_def(tramite_nombre)
    bundle = _bundle(tramite, dias_inhabiles, dias_para_pago)
    with ctx.write() as s:
        s.add(SyncState(id=1, machine_id=MACHINE_ID, municipio="Hermosillo", oficina="OFI",
                        oficina_nombre="Centro de Gobierno", ventanilla="V03", demo=demo))
        s.add(Dependencia(clave="DDUE", nombre="Desarrollo Urbano y Ecología"))
        s.add(User(username=OPERADOR.username, full_name=OPERADOR.full_name,
                   role=OPERADOR.role.value, password_hash="x"))
        content = canonical_json(bundle.model_dump(mode="json"))
        s.add(ConfigBundleRecord(version=1, sha256=hashlib.sha256(content).hexdigest(),
                                 content=content, signature=b"", applied_at=datetime(2026, 1, 1)))
        s.flush()
        s.add(Tramite(homoclave=tramite.homoclave, version=1, dependencia_clave="DDUE",
                      nombre=tramite.nombre, plazo_dias=15, bundle_version=1,
                      definition=tramite.model_dump(mode="json")))
        s.flush()
        s.add(Expediente(**{**_expediente_row(nombre, payment_method), **expediente}))
    return Office(ctx, FOLIO, OPERADOR)


def _expediente_row(nombre: str, payment_method: str | None) -> dict[str, Any]:
    return dict(
        uuid="0192f3e4-0000-7000-8000-000000000001", folio=FOLIO,
        tramite_homoclave="HMO-DDUE-001", tramite_version=1, answers={"nombre": nombre},
        requisitos=[
            {"clave": "ine", "recibido": True, "nota": ""},
            {"clave": "planos", "recibido": True, "nota": "Dos juegos impresos"},
            {"clave": "predial", "recibido": False, "nota": "Lo entrega el lunes"},
        ],
        cobros=[{"concepto": c, "cri": cri, "importe": imp} for c, cri, imp in CONCEPTOS],
        total_centavos=int(TOTAL * 100), nombre=nombre, curp="PENJ800101HSRXXS05",
        rfc="PENJ800101AB1", created_by=OPERADOR.username,
        captured_at=datetime(2026, 11, 23, 10, 42), origin_machine=MACHINE_ID,
        content_sha256=SHA, payment_method=payment_method,
    )


def pdf_text(pdf: bytes) -> str:
    """All text of a PDF as a reader would see it, whitespace collapsed to single spaces."""
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pdf_pages(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)
