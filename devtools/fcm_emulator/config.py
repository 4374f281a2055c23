"""The emulator's error injection: token rules, random failure rates, Retry-After, latency."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from devtools.fcm_emulator.fcm_errors import ERRORS, RANDOM_ERRORS


@dataclass(frozen=True)
class TokenRule:
    """Tokens starting with ``prefix`` get FCM error ``code``: always, or for their first ``times`` requests."""

    prefix: str
    code: str
    times: int | None = None

    def __post_init__(self) -> None:
        if self.code not in ERRORS:
            raise ValueError(f"unknown FCM error code {self.code!r}; known: {', '.join(ERRORS)}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1 (or null for always)")

    @classmethod
    def parse(cls, spec: str) -> TokenRule:
        """``PREFIX=CODE`` or ``PREFIX=CODE:TIMES`` (the command line's form)."""
        prefix, sep, rest = spec.partition("=")
        if not sep:
            raise ValueError(f"expected PREFIX=CODE[:TIMES], got {spec!r}")
        code, _, times = rest.partition(":")
        return cls(prefix, code.strip().upper(), int(times) if times else None)

    def as_dict(self) -> dict[str, Any]:
        return {"prefix": self.prefix, "code": self.code, "times": self.times}


DEFAULT_TOKEN_RULES = (
    TokenRule("unregistered-", "UNREGISTERED"),
    TokenRule("invalid-", "INVALID_ARGUMENT"),
    TokenRule("sender-mismatch-", "SENDER_ID_MISMATCH"),
)


@dataclass(frozen=True)
class EmulatorConfig:
    token_errors: tuple[TokenRule, ...] = DEFAULT_TOKEN_RULES
    # Probability per send request of each of RANDOM_ERRORS (their sum must stay <= 1).
    error_rates: dict[str, float] = field(default_factory=dict)
    retry_after: int | None = 30  # seconds, on 429 and 503; None sends no Retry-After
    latency_ms: float = 0.0
    seed: int | None = None
    record_bodies: bool = True  # False keeps only token, id and time (for million-message runs)

    def __post_init__(self) -> None:
        for code, rate in self.error_rates.items():
            if code not in RANDOM_ERRORS:
                raise ValueError(f"error_rates takes {', '.join(RANDOM_ERRORS)}, not {code!r}")
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"error rate for {code} must be within [0, 1]")
        if sum(self.error_rates.values()) > 1.0:
            raise ValueError("error rates must not add up to more than 1")
        if self.latency_ms < 0 or (self.retry_after is not None and self.retry_after < 0):
            raise ValueError("latency_ms and retry_after must not be negative")

    def as_dict(self) -> dict[str, Any]:
        return {
            "token_errors": [rule.as_dict() for rule in self.token_errors],
            "error_rates": {code: self.error_rates.get(code, 0.0) for code in RANDOM_ERRORS},
            "retry_after": self.retry_after,
            "latency_ms": self.latency_ms,
            "seed": self.seed,
            "record_bodies": self.record_bodies,
        }

    def updated(self, changes: dict[str, Any]) -> EmulatorConfig:
        """A copy with the JSON ``changes`` applied (the control API's POST /_emulator/config)."""
        unknown = changes.keys() - self.as_dict().keys()
        if unknown:
            raise ValueError(f"unknown configuration keys: {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = {}
        if "token_errors" in changes:
            rules = changes["token_errors"]
            if not isinstance(rules, list | tuple):
                raise ValueError("token_errors must be a list of {prefix, code, times}")
            kwargs["token_errors"] = tuple(
                r if isinstance(r, TokenRule) else TokenRule(str(r["prefix"]), str(r["code"]).upper(), r.get("times"))
                for r in rules
            )
        if "error_rates" in changes:
            rates = changes["error_rates"]
            if not isinstance(rates, dict):
                raise ValueError("error_rates must be an object")
            kwargs["error_rates"] = {str(k).upper(): float(v) for k, v in rates.items() if float(v) > 0}
        if "retry_after" in changes:
            kwargs["retry_after"] = None if changes["retry_after"] is None else int(changes["retry_after"])
        if "latency_ms" in changes:
            kwargs["latency_ms"] = float(changes["latency_ms"])
        if "seed" in changes:
            kwargs["seed"] = None if changes["seed"] is None else int(changes["seed"])
        if "record_bodies" in changes:
            kwargs["record_bodies"] = bool(changes["record_bodies"])
        return replace(self, **kwargs)

    def to_args(self) -> list[str]:
        """The command line that starts an emulator with this configuration."""
        args = ["--no-default-token-errors"]
        for rule in self.token_errors:
            spec = f"{rule.prefix}={rule.code}" + (f":{rule.times}" if rule.times else "")
            args += ["--token-error", spec]
        for code, rate in self.error_rates.items():
            args += [f"--{code.lower().replace('_', '-')}-rate", repr(rate)]
        args += ["--retry-after", "none" if self.retry_after is None else str(self.retry_after)]
        args += ["--latency-ms", repr(self.latency_ms)]
        if self.seed is not None:
            args += ["--seed", str(self.seed)]
        if not self.record_bodies:
            args.append("--no-record-bodies")
        return args
