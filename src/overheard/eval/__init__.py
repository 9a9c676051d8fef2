"""Accuracy against public gold data (../shared/data), one module per data set."""
