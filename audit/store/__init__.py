"""SQLite runs: one file holding audit runs, their pieces, evidence and fetch log."""
