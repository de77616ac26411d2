"""Test support code: the local site server (sitesrv) and stored sample runs (runs) that the
crawl, audit, app and browser tests share."""
