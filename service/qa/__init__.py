"""Questions across reports: numbers from the cells table, text from retrieved chunks, with citations."""
