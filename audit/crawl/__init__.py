"""URL to fetched page: the polite, safe fetcher (URL rules, robots.txt, politeness, retries,
body limits, network safety)."""
