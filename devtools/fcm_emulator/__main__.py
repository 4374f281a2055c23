"""``python -m devtools.fcm_emulator --port 9099``: run the loopback FCM emulator."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Sequence

from devtools.fcm_emulator.config import DEFAULT_TOKEN_RULES, EmulatorConfig, TokenRule
from devtools.fcm_emulator.emulator import FCMEmulator
from devtools.fcm_emulator.fcm_errors import ERRORS, RANDOM_ERRORS
from devtools.fcm_emulator.server import serve


def _parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, EmulatorConfig]:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.fcm_emulator",
        description="A loopback FCM HTTP v1 emulator (control API under /_emulator/).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9099, help="0 picks a free port (printed on start)")
    parser.add_argument(
        "--token-error",
        action="append",
        default=[],
        metavar="PREFIX=CODE[:TIMES]",
        help=f"tokens starting with PREFIX get error CODE ({', '.join(ERRORS)}), always or for their first TIMES "
        "requests; repeatable",
    )
    parser.add_argument(
        "--no-default-token-errors",
        action="store_true",
        help="drop the default rules (" + ", ".join(f"{r.prefix}*={r.code}" for r in DEFAULT_TOKEN_RULES) + ")",
    )
    for code in RANDOM_ERRORS:
        flag = f"--{code.lower().replace('_', '-')}-rate"
        parser.add_argument(flag, type=float, default=0.0, metavar="P", help=f"probability of {code} per request")
    parser.add_argument("--retry-after", default="30", help="seconds sent in Retry-After on 429/503, or 'none'")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added before each send answer")
    parser.add_argument("--seed", type=int, default=None, help="seed of the error-injection RNG")
    parser.add_argument("--no-record-bodies", action="store_true", help="record tokens and ids only")
    args = parser.parse_args(argv)
    try:
        rules: tuple[TokenRule, ...] = () if args.no_default_token_errors else DEFAULT_TOKEN_RULES
        rules += tuple(TokenRule.parse(spec) for spec in args.token_error)
        config = EmulatorConfig(
            token_errors=rules,
            error_rates={code: rate for code in RANDOM_ERRORS if (rate := getattr(args, f"{code.lower()}_rate")) > 0},
            retry_after=None if args.retry_after.lower() == "none" else int(args.retry_after),
            latency_ms=args.latency_ms,
            seed=args.seed,
            record_bodies=not args.no_record_bodies,
        )
    except ValueError as exc:
        parser.error(str(exc))
    return args, config


def main(argv: Sequence[str] | None = None) -> None:
    args, config = _parse_args(argv)

    async def run() -> None:
        server = await serve(FCMEmulator(config), args.host, args.port)
        port = server.sockets[0].getsockname()[1]
        print(f"FCM emulator listening on http://{args.host}:{port}", flush=True)
        async with server:
            await server.serve_forever()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


if __name__ == "__main__":
    main()
