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
    IMPORT_ARCHIVO = "importar_archivo"  # back-capture of a paper archive, in bulk
    SYNC = "sincronizar"
    IMPORT_CONFIG = "importar_configuracion"
    MANAGE_USERS = "administrar_usuarios"
    ENROLL = "enrolar"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERADOR: frozenset(
        {Permission.CAPTURE, Permission.VIEW_EXPEDIENTES, Permission.PRINT, Permission.SYNC,
         Permission.REGISTER_PAYMENT}
    ),
    Role.SUPERVISOR: frozenset(
        {Permission.CAPTURE, Permission.VIEW_EXPEDIENTES, Permission.PRINT, Permission.SYNC,
         Permission.REGISTER_PAYMENT, Permission.REVIEW_QUEUE, Permission.REVIEW,
         Permission.CANCEL_FOLIO, Permission.IMPORT_ARCHIVO}
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
}


def require(user: CurrentUser, permission: Permission) -> None:
    if not user.can(permission):
        action = ACTION_LABELS.get(permission.value, permission.value.replace("_", " "))
        raise PermissionDenied(
            f"El rol {ROLE_LABELS[user.role]} no tiene permiso para {action}. Pida a un "
            "usuario con ese permiso que lo haga."
        )
