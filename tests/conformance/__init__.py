"""QuecPython conformance tables: one file per module, read by
tests/test_conformance.py (see README.md here)."""
