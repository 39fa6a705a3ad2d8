"""User-facing exceptions. The CLI turns each into one line on stderr and exit code 2."""


class SpeedpriorError(ValueError):
    """Base class for errors caused by bad input (a value, a file, a spec)."""


class ParseError(SpeedpriorError):
    """A machine, circuit or config text could not be parsed."""


class UnknownNameError(SpeedpriorError, KeyError):
    """A name (machine, statistic, experiment kind, basis, ...) is not known."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ConfigError(SpeedpriorError):
    """A config file is missing, malformed or fails validation."""


class BudgetError(SpeedpriorError):
    """A budget or size is out of range (negative steps, too many inputs, ...)."""
