"""The use cases as library calls: `check` (drafts and files) and `audit` (sources to a stored run)."""
