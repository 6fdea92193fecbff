"""Errors of the format adapters: one-line reasons, in Chinese first."""

from nianbao.errors import NianbaoError


class FormatError(NianbaoError):
    """A document that could not be read."""


class UnsupportedFormat(FormatError):
    """Bytes of a kind no adapter reads (spreadsheets, archives, unknown binaries)."""


class CorruptDocument(FormatError):
    """A document of a known format that is damaged, truncated or cannot be converted."""
