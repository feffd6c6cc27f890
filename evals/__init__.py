"""Evals: gold data, generated variants, scorer and runner."""
