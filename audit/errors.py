"""Errors a user can cause and fix. The CLI prints them in one line; only bugs get tracebacks."""

from __future__ import annotations


class AntipersonaError(Exception):
    """Base class: a problem with the user's input, config or packs, told in plain words."""

    exit_code = 2


class InputError(AntipersonaError):
    """An input (file, URL, row) that cannot be read. Names the input; the batch carries on."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


class NoCopy(InputError):
    """An input read without trouble that holds no copy: only front matter without copy fields,
    code, comments or markup (a section's index page, a template partial). ``check`` skips it
    with a warning, so a content folder with such pages checks cleanly; other commands treat it
    as any :class:`InputError`."""


class NotADraft(InputError):
    """An input that ``audit`` reads, not ``check`` (a URL list, an ad export). Checked alone it
    is an error that says which command to run; among other inputs (a content folder, the files
    a pull request changed, where a URL list lives beside the pages) ``check`` skips it with a
    warning, so the batch still checks cleanly."""


class LexiconError(AntipersonaError):
    """One or more problems in persona packs, each with file and line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class ConfigError(AntipersonaError):
    """A bad config file or option value."""


class StoreError(AntipersonaError):
    """The run store cannot be used as asked: not a store, too new, or no such run."""
