"""Capturing a trámite: answers and their checks, fees, folios, anexos, borradores, payload."""
