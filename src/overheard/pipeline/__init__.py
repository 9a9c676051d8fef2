"""Running components over documents: provenance (runs) and the text stages."""
