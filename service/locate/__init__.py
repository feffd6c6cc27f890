"""Locate: the six sections of a report and the table rows inside them."""
