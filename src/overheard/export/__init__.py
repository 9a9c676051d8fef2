"""Exports: views of the record that other tools read."""
