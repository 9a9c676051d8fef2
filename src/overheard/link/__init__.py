"""Linking across documents and scripts: which mentions name the same entity."""
