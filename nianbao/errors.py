"""The project's exception tree: one-line messages, mapped to exit codes by the CLI."""


class NianbaoError(Exception):
    """A failure the user should read: the CLI prints it on one line and exits 1."""

    exit_code = 1


class UsageError(NianbaoError):
    """Wrong arguments or input syntax: exit 2."""

    exit_code = 2


class ConfigError(NianbaoError):
    """Settings or registry files that cannot be used."""


class ServiceUnavailable(NianbaoError):
    """A server we depend on (Elasticsearch, SMTP, a site) cannot be reached."""
