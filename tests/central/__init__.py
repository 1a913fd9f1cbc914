"""Tests of the central platform alone, over HTTP on loopback."""
