"""Roles and what each may do; services call `require` before acting (ARCHITECTURE §10)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from desktop.errors import PermissionDenied
from desktop.states import ROLE_LABELS
from localdb.states import Role


class Permission(StrEnum):
    CAPTURE = "capturar"
    VIEW_EXPEDIENTES = "consultar"
    PRINT = "imprimir"
    REGISTER_PAYMENT = "registrar_pagos"
    REVIEW_QUEUE = "revisar_colas"
    REVIEW = "validar_o_devolver"
    CANCEL_FOLIO = "cancelar_folios"
    OPEN_CAJA = "abrir_caja"
    COUNT_CORTE = "contar_corte"
    CANCEL_RECIBO = "cancelar_recibos"
    SIGN_CORTE = "firmar_corte"
    CIERRE_DIA = "cierre_del_dia"
    IMPORT_ARCHIVO = "importar_archivo"  # back-capture of a paper archive, in bulk
    SYNC = "sincronizar"
    IMPORT_CONFIG = "importar_configuracion"
    MANAGE_USERS = "administrar_usuarios"
    ENROLL = "enrolar"
    GRANT_EXTENSION = "conceder_prorroga"  # a stale window's 24-hour capture extension
    EXPORT_DIAGNOSTICS = "exportar_diagnostico"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERADOR: frozenset(
        {Permission.CAPTURE, Permission.VIEW_EXPEDIENTES, Permission.PRINT, Permission.SYNC,
         Permission.REGISTER_PAYMENT, Permission.OPEN_CAJA, Permission.COUNT_CORTE}
    ),
    Role.SUPERVISOR: frozenset(
        {Permission.CAPTURE, Permission.VIEW_EXPEDIENTES, Permission.PRINT, Permission.SYNC,
         Permission.REGISTER_PAYMENT, Permission.REVIEW_QUEUE, Permission.REVIEW,
         Permission.CANCEL_FOLIO, Permission.OPEN_CAJA, Permission.COUNT_CORTE,
         Permission.CANCEL_RECIBO, Permission.SIGN_CORTE, Permission.GRANT_EXTENSION,
         Permission.CIERRE_DIA, Permission.IMPORT_ARCHIVO}
    ),
    Role.ADMIN: frozenset(Permission),
}



@dataclass(frozen=True)
class CurrentUser:
    username: str
    full_name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


# What each permission lets a user do, as the refusal says it (keyed by the stored value).
ACTION_LABELS = {
    "capturar": "capturar trámites", "consultar": "consultar expedientes",
    "imprimir": "imprimir documentos", "registrar_pagos": "registrar pagos",
    "revisar_colas": "revisar las colas", "anular": "cancelar folios",
    "importar_archivo": "importar expedientes de archivo",
    "sincronizar": "sincronizar", "importar_configuracion": "importar la configuración",
    "administrar_usuarios": "administrar usuarios", "enrolar": "enrolar el equipo",
    "cancelar_folios": "cancelar folios", "abrir_caja": "abrir la caja",
    "contar_corte": "hacer el corte de caja", "cancelar_recibos": "cancelar recibos",
    "firmar_corte": "firmar el corte de caja",
    "conceder_prorroga": "conceder prórrogas de captura sin conexión",
    "exportar_diagnostico": "exportar el diagnóstico del equipo",
    "cierre_del_dia": "hacer el cierre del día",
}


def require(user: CurrentUser, permission: Permission) -> None:
    if not user.can(permission):
        action = ACTION_LABELS.get(permission.value, permission.value.replace("_", " "))
        raise PermissionDenied(
            f"El rol {ROLE_LABELS[user.role]} no tiene permiso para {action}. Pida a un "
            "usuario con ese permiso que lo haga."
        )
