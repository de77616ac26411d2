"""Test support code: the local site server (sitesrv) the crawl, audit and app tests run against."""
