"""PySide6 user interface of Ventanilla: the only package (with main.py) that imports Qt."""
