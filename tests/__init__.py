"""The test suite (a package, so its support code imports as tests.support)."""
