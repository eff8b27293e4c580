"""One base error; every message says what went wrong and how to fix it."""

from __future__ import annotations


class StorylineError(Exception):
    """Base class. `code` is stable, so users and docs can refer to it."""

    code = "E000"

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"[{self.code}] {message}" + (f" Fix: {fix}" if fix else ""))


class InputError(StorylineError):
    """An input cannot be read or is not an article."""

    code = "E100"


class InputTooLarge(InputError):
    code = "E101"


class UnsupportedInput(InputError):
    code = "E102"


class FetchError(StorylineError):
    """A network fetch failed or was refused."""

    code = "E200"


class BlockedAddress(FetchError):
    """The SSRF guard refused a private, loopback or link-local target."""

    code = "E201"


class StoreError(StorylineError):
    code = "E300"


class ConfigError(StorylineError):
    code = "E400"
