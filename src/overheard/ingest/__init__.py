"""Ingest: find input files, keep their bytes, read them into documents and segments."""
