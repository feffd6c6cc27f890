"""Extract: the template reader (tables, meta, narrative) that fills a record from a Document."""
