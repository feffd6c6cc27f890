"""The cross-report review: one body's consecutive years (Y-CARRY, Y-NORM, Y-COPY) and peers of one year (Y-COPY)."""

from service.names import Bodies, alias_table, core, read_aliases
from service.review.export import finding_row, write_review
from service.review.rules import CrossFinding
from service.review.run import DEFAULT_THRESHOLD, ReviewResult, review, review_touched
from service.review.timeline import TimelineRow, pivot, timeline

__all__ = [
    "DEFAULT_THRESHOLD",
    "Bodies",
    "CrossFinding",
    "ReviewResult",
    "TimelineRow",
    "alias_table",
    "core",
    "finding_row",
    "pivot",
    "read_aliases",
    "review",
    "review_touched",
    "timeline",
    "write_review",
]
