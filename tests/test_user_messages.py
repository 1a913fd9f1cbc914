"""Every message a user can read, found in the source (AST), is Spanish as a person writes it:
no English operating-system errors, no words missing their accent."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.access.permissions import CurrentUser, Permission, Role, require
from desktop.errors import PermissionDenied, os_error_message

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("ui/**/*.py"), *ROOT.glob("desktop/**/*.py"), ROOT / "main.py"])
CLI = {ROOT / "main.py", ROOT / "desktop/cli.py"}
# Calls whose string arguments a user reads.
TEXT_METHODS = {"setText", "setPlaceholderText", "setToolTip", "setWindowTitle", "addButton",
                "addItem", "show_error", "show_note", "_show_message", "setInformativeText",
                "setSpecialValueText", "page_header", "card", "show_refused"}
TEXT_CLASSES = {"QLabel", "QMessageBox", "QPushButton", "QCheckBox", "QGroupBox", "QAction"}
OS_ENGLISH = ["[Errno", "No such file", "Permission denied", "Traceback", "Is a directory",
              "No space left"]
UNACCENTED = re.compile(r"\b(configuracion|contrasena|sesion|informacion|numero|tramites?|"
                        r"ademas)\b", re.IGNORECASE)
BAD_AGREEMENT = re.compile(r"El paquete[^.;]*\bya está aplicada\b")


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_user_call(node: ast.Call, path: Path) -> bool:
    name = _call_name(node)
    return (name in TEXT_METHODS or name in TEXT_CLASSES or name.endswith(("Error", "Denied"))
            or name in {"VentanillaError", "NotFound", "ValidationFailed", "__init__"}
            or (name == "print" and path in CLI))


def _strings(node: ast.AST) -> Iterator[str]:
    """String constants, and f-strings read whole with "{…}" where a value goes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield "".join(v.value if isinstance(v, ast.Constant) else "{…}" for v in node.values)
    else:
        for child in ast.iter_child_nodes(node):
            yield from _strings(child)


def user_texts(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_user_call(node, path):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                for text in _strings(arg):
                    yield node.lineno, text
        elif isinstance(node, ast.Assign) and all(
                isinstance(t, ast.Name) and t.id.isupper() for t in node.targets):
            for text in _strings(node.value):  # constants such as NO_SCREEN (sentences only:
                if " " in text:                # one word is a key, such as a tipo's name)
                    yield node.lineno, text


def os_text_leaks(path: Path) -> Iterator[int]:
    """f-strings that put the system's own (English) error text in front of a user."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FormattedValue) and any(
                isinstance(inner, ast.Attribute) and inner.attr == "strerror"
                for inner in ast.walk(node.value)):
            yield node.lineno


def prose(text: str) -> str:
    """The text without `command` spans (a command such as `main.py tramites` is not prose)."""
    return re.sub(r"`[^`]*`", "", text)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_scan_finds_the_messages_it_is_meant_to_check() -> None:
    found = {text for path in SOURCES for _, text in user_texts(path)}
    assert "Escriba su usuario y su contraseña." in found  # a label's setText (ui/)
    assert any(t.startswith("Usuario bloqueado por intentos fallidos") for t in found)  # error
    assert any("Almacén listo en" in t for t in found)  # the CLI's print
    assert len(found) > 200


def test_no_user_message_carries_an_english_os_error() -> None:
    bad = [f"{_rel(p)}:{line}: {text!r}" for p in SOURCES for line, text in user_texts(p)
           if any(marker in text for marker in OS_ENGLISH)]
    bad += [f"{_rel(p)}:{line}: exc.strerror shown to the user"
            for p in SOURCES for line in os_text_leaks(p)]
    assert bad == []


def test_no_user_message_has_a_spanish_slip() -> None:
    bad = [f"{_rel(p)}:{line}: {text!r}" for p in SOURCES for line, text in user_texts(p)
           if UNACCENTED.search(prose(text)) or BAD_AGREEMENT.search(text)]
    assert bad == []


@pytest.mark.parametrize("permission", list(Permission))
def test_every_permission_refusal_reads_as_spanish(permission: Permission) -> None:
    nobody = CurrentUser("x", "X", Role.OPERADOR)
    if nobody.can(permission):
        nobody = CurrentUser("x", "X", Role.SUPERVISOR)
    if nobody.can(permission):
        return  # every role may do it: there is no refusal to read
    with pytest.raises(PermissionDenied) as refused:
        require(nobody, permission)
    assert not UNACCENTED.search(refused.value.message) and "_" not in refused.value.message


@pytest.mark.parametrize(("exc", "writing", "says"), [
    (FileNotFoundError(2, "No such file or directory"), False, "No se encontró"),
    (PermissionError(13, "Permission denied"), False, "No hay permiso para leer"),
    (PermissionError(13, "Permission denied"), True, "No hay permiso para escribir"),
    (OSError(28, "No space left on device"), True, "El disco está lleno"),
    (IsADirectoryError(21, "Is a directory"), False, "es una carpeta"),
    (OSError(5, "Input/output error"), False, "No se pudo leer"),
])
def test_os_errors_become_spanish_sentences_that_say_what_to_do(
    exc: OSError, writing: bool, says: str,
) -> None:
    message = os_error_message(exc, "el archivo «x.json»", writing=writing)
    assert says in message and not any(marker in message for marker in OS_ENGLISH)
    assert exc.strerror not in message
    assert message.endswith(".") and message[0].isupper()
