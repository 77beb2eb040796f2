"""Inspection helpers that let tests check built books the way a reader or a printer would."""
