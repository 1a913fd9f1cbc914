"""Readable source of the demo configuration bundle (Hermosillo, Sonora — DEMOSTRACIÓN).

Edit this file, then run `python scripts/make_demo_bundle.py` to re-sign demo_bundle.json with
the demo key. Amounts are plausible, not the municipality's real Ley de Ingresos.
"""

from __future__ import annotations

from typing import Any

BUNDLE_VERSION = 1
UMA_DIARIA_2026 = "117.31"

Json = dict[str, Any]


def campo(clave: str, etiqueta: str, tipo: str, requerido: bool = True, **extra: Any) -> Json:
    return {"clave": clave, "etiqueta": etiqueta, "tipo": tipo, "requerido": requerido, **extra}


def opciones(*pares: tuple[str, str]) -> list[Json]:
    return [{"valor": valor, "etiqueta": etiqueta} for valor, etiqueta in pares]


def requisito(clave: str, descripcion: str, obligatorio: bool = True) -> Json:
    return {"clave": clave, "descripcion": descripcion, "obligatorio": obligatorio}


def cobro(concepto: str, cri: str, **regla: Any) -> Json:
    return {"concepto": concepto, "cri": cri, "regla": regla}


def solicitante(rfc: bool = False, rfc_requerido: bool = False) -> list[Json]:
    """The applicant's block every trámite starts with."""
    campos = [
        campo("nombre", "Nombre completo del solicitante", "texto", max_longitud=150,
              dato_solicitante="nombre"),
        campo("curp", "CURP", "curp", dato_solicitante="curp",
              ayuda="18 caracteres, como aparece en la constancia de CURP."),
    ]
    if rfc:
        campos.append(campo("rfc", "RFC con homoclave", "rfc", requerido=rfc_requerido,
                            dato_solicitante="rfc"))
    campos += [
        campo("telefono", "Teléfono de contacto", "telefono", dato_solicitante="telefono"),
        campo("email", "Correo electrónico", "email", requerido=False, dato_solicitante="email"),
        campo("domicilio", "Domicilio (calle, número y colonia)", "texto", max_longitud=250,
              dato_solicitante="domicilio"),
        campo("cp", "Código postal", "cp"),
    ]
    return campos


IDENTIFICACION = requisito("identificacion", "Identificación oficial vigente con fotografía (INE, "
                           "pasaporte o cédula profesional)")
COMPROBANTE_DOMICILIO = requisito("comprobante_domicilio", "Comprobante de domicilio con "
                                  "antigüedad no mayor a 3 meses")
CLAVE_CATASTRAL = campo("clave_catastral", "Clave catastral del predio", "clave_catastral",
                        ayuda="Como aparece en el recibo predial, por ejemplo 12-345-678.")

DEPENDENCIAS: list[Json] = [
    {"clave": "TM", "nombre": "Tesorería Municipal", "siglas": "TM"},
    {"clave": "AGUAH", "nombre": "Agua de Hermosillo", "siglas": "AguaH"},
    {"clave": "DUE", "nombre": "Desarrollo Urbano y Ecología", "siglas": "CIDUE"},
    {"clave": "UMPC", "nombre": "Unidad Municipal de Protección Civil", "siglas": "UMPC"},
    {"clave": "SPM", "nombre": "Servicios Públicos Municipales", "siglas": "DGSPM"},
    {"clave": "IMCA", "nombre": "Instituto Municipal de Cultura y Arte", "siglas": "IMCA"},
    {"clave": "DPC", "nombre": "Dirección de Participación Ciudadana", "siglas": "DPC"},
    {"clave": "OCEG", "nombre": "Contraloría Municipal (Órgano de Control y Evaluación "
     "Gubernamental)", "siglas": "OCEG"},
    {"clave": "SAY", "nombre": "Secretaría del Ayuntamiento", "siglas": "SAY"},
]


def tramite(homoclave: str, nombre: str, dependencia: str, nivel: int, plazo: int,
            descripcion: str, campos: list[Json], requisitos: list[Json],
            cobros: list[Json]) -> Json:
    return {
        "homoclave": homoclave, "version": 1, "nombre": nombre, "dependencia": dependencia,
        "nivel_digitalizacion": nivel, "plazo_dias": plazo, "descripcion": descripcion,
        "campos": campos, "requisitos": requisitos, "cobros": cobros,
    }


def _tesoreria() -> list[Json]:
    return [
        tramite(
            "HMO-TM-001", "Pago del impuesto predial", "TM", 4, 0,
            "Pago anual del impuesto predial de un inmueble ubicado en el municipio.",
            [*solicitante(rfc=True), CLAVE_CATASTRAL,
             campo("valor_catastral", "Valor catastral del inmueble (pesos)", "numero",
                   minimo="0"),
             campo("ejercicio", "Ejercicio fiscal", "seleccion",
                   opciones=opciones(("2026", "2026"), ("2025", "2025 (rezago)"))),
             campo("pago_anticipado", "Pago anual anticipado (enero a marzo)", "booleano",
                   requerido=False)],
            [IDENTIFICACION, requisito("recibo_anterior", "Último recibo de pago del predial",
                                       obligatorio=False)],
            [cobro("Impuesto predial", "1.2.1.1", tipo="tramos", campo="valor_catastral",
                   tramos=[{"hasta": "150000", "monto": "450.00"},
                           {"hasta": "500000", "monto": "1380.00"},
                           {"hasta": "1500000", "monto": "4250.00"},
                           {"hasta": None, "monto": "9800.00"}])],
        ),
        tramite(
            "HMO-TM-002", "Constancia de no adeudo del impuesto predial", "TM", 3, 1,
            "Constancia de que el inmueble está al corriente en el pago del impuesto predial.",
            [*solicitante(), CLAVE_CATASTRAL,
             campo("motivo", "Motivo de la solicitud", "seleccion",
                   opciones=opciones(("compraventa", "Compraventa o escrituración"),
                                     ("credito", "Trámite de crédito"), ("otro", "Otro")))],
            [IDENTIFICACION, requisito("recibo_predial", "Recibo de pago del predial del año")],
            [cobro("Expedición de constancia de no adeudo", "4.3.9.1", tipo="uma",
                   factor="2")],
        ),
        tramite(
            "HMO-TM-003", "Licencia de funcionamiento", "TM", 2, 10,
            "Licencia anual para la operación de un establecimiento comercial o de servicios.",
            [*solicitante(rfc=True, rfc_requerido=True),
             campo("nombre_comercial", "Nombre comercial del establecimiento", "texto",
                   max_longitud=120),
             campo("giro", "Giro", "seleccion",
                   opciones=opciones(("abarrotes", "Abarrotes y misceláneas"),
                                     ("alimentos", "Restaurante o venta de alimentos"),
                                     ("oficinas", "Oficinas y servicios profesionales"),
                                     ("taller", "Taller mecánico o de oficios"))),
             CLAVE_CATASTRAL,
             campo("superficie_m2", "Superficie del establecimiento (m²)", "numero", minimo="1",
                   maximo="100000"),
             campo("empleados", "Número de empleados", "numero", minimo="0"),
             campo("fecha_inicio", "Fecha de inicio de operaciones", "fecha"),
             campo("vende_alcohol", "¿Vende bebidas con contenido alcohólico?", "booleano")],
            [IDENTIFICACION, requisito("constancia_fiscal", "Constancia de situación fiscal"),
             requisito("anuencia_pc", "Anuencia de Protección Civil vigente"),
             requisito("uso_suelo", "Licencia de uso de suelo")],
            [cobro("Expedición de licencia de funcionamiento", "4.3.7.1", tipo="uma",
                   factor="5"),
             cobro("Derechos por superficie del establecimiento", "4.3.7.2",
                   tipo="por_unidad", campo="superficie_m2", monto_unitario="3.50")],
        ),
    ]


def _agua() -> list[Json]:
    return [
        tramite(
            "HMO-AGUAH-001", "Contratación de servicio de agua potable y drenaje", "AGUAH", 3, 5,
            "Contrato e instalación de la toma de agua potable y la descarga de drenaje.",
            [*solicitante(rfc=True), CLAVE_CATASTRAL,
             campo("uso", "Uso del servicio", "seleccion",
                   opciones=opciones(("domestico", "Doméstico"), ("comercial", "Comercial"),
                                     ("industrial", "Industrial"))),
             campo("diametro", "Diámetro de la toma", "seleccion",
                   opciones=opciones(("1/2", "1/2 pulgada"), ("3/4", "3/4 de pulgada"),
                                     ("1", "1 pulgada"))),
             campo("metros_ruptura", "Metros lineales de ruptura de pavimento", "numero",
                   minimo="0", maximo="50"),
             campo("habitantes", "Número de habitantes del inmueble", "numero", minimo="1")],
            [IDENTIFICACION, requisito("escrituras", "Escrituras o contrato de compraventa"),
             requisito("licencia_construccion", "Licencia de construcción (obra nueva)",
                       obligatorio=False)],
            [cobro("Derechos de conexión a la red de agua potable", "4.3.1.1", tipo="fijo",
                   monto="1450.00"),
             cobro("Derechos de conexión a la red de drenaje", "4.3.1.2", tipo="fijo",
                   monto="1120.00"),
             cobro("Ruptura y reposición de pavimento (metro lineal)", "4.3.1.3",
                   tipo="por_unidad", campo="metros_ruptura", monto_unitario="285.00")],
        ),
        tramite(
            "HMO-AGUAH-002", "Constancia de no adeudo del servicio de agua", "AGUAH", 4, 1,
            "Constancia de que la cuenta de agua está al corriente.",
            [*solicitante(),
             campo("numero_contrato", "Número de contrato de agua", "texto", max_longitud=12),
             CLAVE_CATASTRAL],
            [IDENTIFICACION, requisito("recibo_agua", "Último recibo de agua pagado")],
            [cobro("Expedición de constancia de no adeudo de agua", "4.3.1.9", tipo="uma",
                   factor="1")],
        ),
    ]


def _desarrollo_urbano() -> list[Json]:
    return [
        tramite(
            "HMO-DUE-001", "Licencia de uso de suelo", "DUE", 2, 15,
            "Autorización del uso que se dará a un predio conforme al Programa de Desarrollo "
            "Urbano.",
            [*solicitante(rfc=True), CLAVE_CATASTRAL,
             campo("superficie_terreno", "Superficie del terreno (m²)", "numero", minimo="1"),
             campo("uso_solicitado", "Uso solicitado", "seleccion",
                   opciones=opciones(("habitacional", "Habitacional"),
                                     ("comercial", "Comercial"), ("servicios", "Servicios"),
                                     ("industrial", "Industrial"))),
             campo("croquis", "Croquis de ubicación (archivo)", "archivo", requerido=False)],
            [IDENTIFICACION, requisito("escrituras", "Escrituras del predio"),
             requisito("predial", "Recibo del predial al corriente")],
            [cobro("Derechos por licencia de uso de suelo", "4.3.5.1", tipo="formula",
                   expresion="superficie_terreno * 4.25 + 3 * uma")],
        ),
        tramite(
            "HMO-DUE-002", "Licencia de construcción", "DUE", 2, 10,
            "Licencia para obra nueva, ampliación, remodelación o barda.",
            [*solicitante(rfc=True), CLAVE_CATASTRAL,
             campo("tipo_obra", "Tipo de obra", "seleccion",
                   opciones=opciones(("nueva", "Obra nueva"), ("ampliacion", "Ampliación"),
                                     ("remodelacion", "Remodelación"), ("barda", "Barda"))),
             campo("superficie_construccion", "Superficie de construcción (m²)", "numero",
                   minimo="1"),
             campo("niveles", "Número de niveles", "numero", minimo="1", maximo="30"),
             campo("perito", "Director Responsable de Obra", "texto", max_longitud=150),
             campo("planos", "Planos arquitectónicos (archivo)", "archivo", requerido=False)],
            [IDENTIFICACION, requisito("uso_suelo", "Licencia de uso de suelo"),
             requisito("planos_firmados", "Planos firmados por el Director Responsable de Obra")],
            [cobro("Derechos por licencia de construcción", "4.3.5.2", tipo="formula",
                   expresion="superficie_construccion * (27.80 if niveles > 2 else 18.50)"),
             cobro("Revisión de proyecto", "4.3.5.3", tipo="tramos",
                   campo="superficie_construccion",
                   tramos=[{"hasta": "60", "monto": "380.00"},
                           {"hasta": "250", "monto": "920.00"},
                           {"hasta": None, "monto": "2150.00"}])],
        ),
    ]


def _proteccion_civil_y_ayuntamiento() -> list[Json]:
    return [
        tramite(
            "HMO-UMPC-001", "Anuencia de protección civil para establecimientos", "UMPC", 3, 10,
            "Revisión de las medidas de seguridad de un establecimiento antes de abrir o "
            "renovar su licencia.",
            [*solicitante(rfc=True),
             campo("nombre_comercial", "Nombre comercial del establecimiento", "texto",
                   max_longitud=120),
             campo("riesgo", "Grado de riesgo del giro", "seleccion",
                   opciones=opciones(("bajo", "Bajo"), ("medio", "Medio"), ("alto", "Alto"))),
             campo("superficie_m2", "Superficie del establecimiento (m²)", "numero", minimo="1"),
             campo("aforo", "Aforo máximo (personas)", "numero", minimo="1"),
             campo("extintores", "¿Cuenta con extintores vigentes?", "booleano"),
             campo("programa_interno", "¿Cuenta con Programa Interno de Protección Civil?",
                   "booleano"),
             campo("dictamen_electrico", "Dictamen eléctrico (archivo)", "archivo",
                   requerido=False)],
            [IDENTIFICACION, requisito("croquis_rutas", "Croquis de rutas de evacuación"),
             requisito("programa", "Programa Interno de Protección Civil (riesgo medio y alto)",
                       obligatorio=False)],
            [cobro("Derechos por anuencia de protección civil", "4.3.8.1", tipo="tramos",
                   campo="superficie_m2",
                   tramos=[{"hasta": "100", "monto": "650.00"},
                           {"hasta": "500", "monto": "1800.00"},
                           {"hasta": "2000", "monto": "4200.00"},
                           {"hasta": None, "monto": "8500.00"}]),
             cobro("Inspección de medidas de seguridad", "4.3.8.2", tipo="uma", factor="1.5")],
        ),
        tramite(
            "HMO-SAY-001", "Permiso para evento social o espectáculo público", "SAY", 2, 5,
            "Permiso para bailes, conciertos, ferias y eventos deportivos en espacios públicos "
            "o privados.",
            [*solicitante(rfc=True),
             campo("tipo_evento", "Tipo de evento", "seleccion",
                   opciones=opciones(("social", "Social (boda, quinceañera, baile)"),
                                     ("musical", "Concierto o espectáculo musical"),
                                     ("deportivo", "Deportivo"), ("feria", "Feria o kermés"))),
             campo("fecha_evento", "Fecha del evento", "fecha"),
             campo("lugar", "Lugar del evento", "texto", max_longitud=200),
             campo("aforo", "Aforo esperado (personas)", "numero", minimo="1",
                   maximo="50000"),
             campo("precio_boleto", "Precio promedio del boleto (0 si es gratuito)", "numero",
                   requerido=False, minimo="0"),
             campo("venta_alcohol", "¿Habrá venta de bebidas alcohólicas?", "booleano")],
            [IDENTIFICACION, requisito("anuencia_pc", "Visto bueno de Protección Civil"),
             requisito("contrato_lugar", "Contrato o permiso del propietario del lugar")],
            [cobro("Derechos por permiso para evento", "4.3.6.1", tipo="uma", factor="8"),
             cobro("Impuesto sobre diversiones y espectáculos públicos (8 %)", "1.1.1.1",
                   tipo="formula", expresion="aforo * precio_boleto * 0.08")],
        ),
        tramite(
            "HMO-SAY-002", "Constancia de residencia", "SAY", 3, 3,
            "Constancia de que el solicitante vive en el municipio.",
            [*solicitante(),
             campo("colonia", "Colonia", "texto", max_longitud=100),
             campo("anios_residencia", "Años de residencia en el municipio", "numero",
                   minimo="0", maximo="120"),
             campo("fecha_llegada", "Fecha de llegada al domicilio", "fecha", requerido=False),
             campo("motivo", "Motivo", "seleccion",
                   opciones=opciones(("empleo", "Empleo"), ("escuela", "Inscripción escolar"),
                                     ("tramite", "Trámite ante otra autoridad")))],
            [IDENTIFICACION, COMPROBANTE_DOMICILIO,
             requisito("testigos", "Dos testigos con identificación", obligatorio=False)],
            [cobro("Expedición de constancia de residencia", "4.3.9.2", tipo="uma",
                   factor="1.2")],
        ),
    ]


def _servicios_y_participacion() -> list[Json]:
    return [
        tramite(
            "HMO-SPM-001", "Recolección de residuos voluminosos", "SPM", 3, 7,
            "Servicio especial de recolección de muebles, ramas o escombro.",
            [*solicitante(),
             campo("metros_cubicos", "Volumen aproximado (m³)", "numero", minimo="1",
                   maximo="20"),
             campo("tipo_residuo", "Tipo de residuo", "seleccion",
                   opciones=opciones(("muebles", "Muebles y enseres"), ("ramas", "Ramas"),
                                     ("escombro", "Escombro"))),
             campo("fecha_preferida", "Fecha preferida de recolección", "fecha",
                   requerido=False)],
            [IDENTIFICACION],
            [cobro("Servicio especial de limpia (metro cúbico)", "4.3.3.1", tipo="por_unidad",
                   campo="metros_cubicos", monto_unitario="185.00")],
        ),
        tramite(
            "HMO-SPM-002", "Permiso de poda o derribo de árbol", "SPM", 2, 10,
            "Dictamen y permiso para podar o derribar árboles en banqueta o predio.",
            [*solicitante(),
             campo("tipo_trabajo", "Trabajo solicitado", "seleccion",
                   opciones=opciones(("poda", "Poda"), ("derribo", "Derribo"))),
             campo("numero_arboles", "Número de árboles", "numero", minimo="1", maximo="50"),
             campo("riesgo", "¿El árbol representa un riesgo inminente?", "booleano"),
             campo("fotografia", "Fotografía del árbol (archivo)", "archivo", requerido=False)],
            [IDENTIFICACION, COMPROBANTE_DOMICILIO],
            [cobro("Dictamen de poda o derribo (por árbol)", "4.3.3.2", tipo="por_unidad",
                   campo="numero_arboles", monto_unitario="420.00")],
        ),
        tramite(
            "HMO-IMCA-001", "Inscripción a talleres de la Casa de la Cultura", "IMCA", 3, 2,
            "Inscripción trimestral a talleres artísticos para niños, jóvenes y adultos.",
            [*solicitante(),
             campo("taller", "Taller", "seleccion",
                   opciones=opciones(("guitarra", "Guitarra"), ("pintura", "Pintura"),
                                     ("danza", "Danza folclórica"), ("teatro", "Teatro"))),
             campo("fecha_nacimiento", "Fecha de nacimiento del alumno", "fecha"),
             campo("tutor", "Padre, madre o tutor (si es menor de edad)", "texto",
                   requerido=False, max_longitud=150)],
            [IDENTIFICACION, requisito("fotografia", "Una fotografía tamaño infantil",
                                       obligatorio=False)],
            [cobro("Cuota de recuperación de talleres (trimestre)", "5.1.1.1", tipo="fijo",
                   monto="450.00")],
        ),
        tramite(
            "HMO-DPC-001", "Registro de comité de participación ciudadana", "DPC", 1, 15,
            "Registro del comité vecinal electo en asamblea de la colonia.",
            [*solicitante(),
             campo("colonia", "Colonia", "texto", max_longitud=100),
             campo("nombre_comite", "Nombre del comité", "texto", max_longitud=150),
             campo("integrantes", "Número de integrantes", "numero", minimo="3", maximo="15"),
             campo("fecha_asamblea", "Fecha de la asamblea", "fecha"),
             campo("acta", "Acta de asamblea firmada (archivo)", "archivo")],
            [IDENTIFICACION, requisito("lista_asistencia", "Lista de asistencia a la asamblea")],
            [],
        ),
        tramite(
            "HMO-OCEG-001", "Queja o denuncia ciudadana", "OCEG", 4, 30,
            "Queja o denuncia por la actuación de servidores públicos municipales.",
            [*solicitante(),
             campo("dependencia_denunciada", "Dependencia", "seleccion",
                   opciones=opciones(*((d["clave"], d["nombre"]) for d in DEPENDENCIAS))),
             campo("servidor_publico", "Nombre o cargo del servidor público", "texto",
                   requerido=False, max_longitud=150),
             campo("fecha_hechos", "Fecha de los hechos", "fecha"),
             campo("descripcion_hechos", "Descripción de los hechos", "texto",
                   max_longitud=2000),
             campo("evidencia", "Evidencia (archivo)", "archivo", requerido=False)],
            [IDENTIFICACION],
            [],
        ),
    ]


AVISO_PRIVACIDAD = (
    "El H. Ayuntamiento de Hermosillo es responsable del tratamiento de los datos personales "
    "que usted proporcione, los cuales se usarán únicamente para atender su trámite, conforme "
    "a la Ley de Protección de Datos Personales en Posesión de Sujetos Obligados del Estado de "
    "Sonora. Puede consultar el aviso de privacidad integral en esta ventanilla."
)


def build_bundle() -> Json:
    """The demo bundle as plain JSON data (validated and signed by scripts/make_demo_bundle.py)."""
    return {
        "format": "ventanilla-bundle/1",
        "version": BUNDLE_VERSION,
        "valid_from": "2026-01-01",
        "min_app_version": "0.1.0",
        "municipio": {"nombre": "Hermosillo", "estado": "Sonora"},
        "zona_horaria": "America/Hermosillo",  # Sonora keeps UTC-7 all year (no DST)
        "uma_diaria": UMA_DIARIA_2026,
        "clave_catastral_patron": r"^\d{2}-\d{3}-\d{3}$",
        "max_anexo_mb": 10,
        "aviso_privacidad": AVISO_PRIVACIDAD,
        "dependencias": DEPENDENCIAS,
        "tramites": [*_tesoreria(), *_agua(), *_desarrollo_urbano(),
                     *_proteccion_civil_y_ayuntamiento(), *_servicios_y_participacion()],
    }
