"""`contract mock`: serve any OpenAPI spec with valid fixtures and real request validation."""

from __future__ import annotations

import argparse
import re
import socket
import sys
from pathlib import Path
from typing import Any

from contract_cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from contract_cli.common import add_spec_option, fail, load_spec_or_none
from contract_core import ContractError
from contract_core.errors import TrafficFileError
from contract_core.lines import LineMap, error_line


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "mock",
        help="serve a mock of the spec",
        description="Serve every operation of the spec with schema-valid, deterministic fixtures; "
        "validate requests and answer bad ones with problem+json errors.",
    )
    add_spec_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=4010, help="port (default 4010; 0 picks a free one)"
    )
    parser.add_argument("--seed", type=int, default=0, help="fixture seed (default 0)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="allowed browser origin (repeatable); default: any origin when bound to loopback",
    )
    parser.add_argument("--no-auth", action="store_true", help="do not require credentials")
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="TOKEN",
        help="accept only this bearer token (repeatable); default: any bearer token",
    )
    parser.add_argument(
        "--delay",
        type=delay_range,
        default=(0, 0),
        metavar="MS|MIN-MAX",
        help="delay every answer by MS milliseconds, or a uniform draw in MIN-MAX (--seed repeats it)",
    )
    parser.add_argument(
        "--max-body",
        type=int,
        default=1024 * 1024,
        metavar="BYTES",
        help="largest request body accepted (default 1048576)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="reload the spec when its file changes (a broken edit keeps the last good one)",
    )
    parser.add_argument(
        "--stateful",
        action="store_true",
        help="remember created resources: GET, list, PUT/PATCH and DELETE them",
    )
    parser.add_argument(
        "--expectations",
        type=Path,
        metavar="DIR",
        help="load the expectations in DIR/*.json, *.yaml (reloaded under --watch)",
    )
    parser.add_argument(
        "--replay",
        action="append",
        type=Path,
        default=[],
        metavar="FILE.har",
        help="serve the recorded exchanges of a HAR (repeatable); answers that break the spec are listed and skipped",
    )
    parser.add_argument(
        "--store",
        metavar="URL",
        help="keep the journal and --stateful resources in Redis (redis://HOST:PORT/DB), "
        "shared by every mock process using it",
    )
    parser.add_argument(
        "--no-journal",
        action="store_true",
        help="do not keep the request journal (GET /__mock/requests)",
    )
    parser.set_defaults(run=run)


_DELAY = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?")


def delay_range(text: str) -> tuple[int, int]:
    """`--delay 200` -> (200, 200); `--delay 50-300` -> (50, 300)."""
    found = _DELAY.fullmatch(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not MS or MIN-MAX (e.g. 200 or 50-300)")
    low = int(found.group(1))
    high = int(found.group(2)) if found.group(2) else low
    if high < low:
        raise argparse.ArgumentTypeError(f"{text!r}: MIN must not exceed MAX")
    return low, high


def run(args: argparse.Namespace) -> int:
    # imported here: the mock server (Connexion, Starlette, Faker) costs 0.3 s of start-up that
    # `contract --help` and the other commands do not need
    from mock_server.expectation_book import TooManyExpectations
    from mock_server.expectation_files import ExpectationFileError
    from mock_server.responder import MockOptions
    from mock_server.server import Features, ServeSettings, configure_logging, is_loopback, serve

    if args.workers < 1 or not 0 <= args.port <= 65535 or args.max_body < 1:
        fail("--workers and --max-body must be at least 1, --port within 0-65535")
        return EXIT_USAGE
    spec = load_spec_or_none(args.spec)
    if spec is None:
        return EXIT_USAGE
    options = MockOptions(
        seed=args.seed,
        auth=not args.no_auth,
        cors_origins=tuple(args.cors_origin),
        delay_ms=args.delay[0],
        delay_max_ms=args.delay[1],
        max_body_bytes=args.max_body,
        tokens=tuple(args.token),
    )
    # after option checks: building the app makes every fixture
    from mock_server.server import create_service

    expectations = str(args.expectations) if args.expectations is not None else None
    features = Features(
        journal=not args.no_journal,
        stateful=args.stateful,
        watch=args.watch,
        expectations=expectations,
        replay=tuple(str(path) for path in args.replay),
        store=args.store,
    )
    if args.store and not _store_reachable(args.store):
        return EXIT_USAGE
    try:
        # Workers build their own; build once here anyway, to fail before the banner rather than in each.
        app = create_service(
            spec,
            options,
            local_only=is_loopback(args.host),
            features=features
            if args.workers == 1
            else Features(watch=False, expectations=expectations, replay=features.replay),
        )
    except (ExpectationFileError, TrafficFileError, TooManyExpectations) as exc:
        fail(f"cannot mock: {exc}")
        return EXIT_USAGE
    except ContractError as exc:
        line = error_line(exc, spec, LineMap(spec.text))
        fail(f"cannot mock {spec.source}{f':{line}' if line else ''}: {exc}")
        return EXIT_FINDINGS
    try:
        args.port = free_port_or_raise(args.host, args.port)
    except OSError as exc:
        fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
        return EXIT_USAGE
    _banner(args, spec.source, len(spec.operations), app.served.prefix)
    _replay_banner(app.replayed)
    configure_logging()
    settings = ServeSettings(
        str(args.spec) if args.spec else None, args.host, args.port, args.workers, options, features
    )
    try:
        serve(settings, app if args.workers == 1 else None)
    except OSError as exc:
        fail(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}")
        return EXIT_USAGE
    except SystemExit:  # uvicorn exits when it cannot start; it has said why
        fail(f"the server on {args.host}:{args.port} could not start")
        return EXIT_USAGE
    return EXIT_OK


def _store_reachable(url: str) -> bool:
    """Whether `--store` answers now: a mock that would 503 every request must not start."""
    from mock_server.redis_store import RedisConnection
    from mock_server.state import StoreUnavailable

    try:
        RedisConnection(url).check()
    except StoreUnavailable as exc:
        fail(f"cannot start: {exc}; start it, or fix --store")
        return False
    except ContractError as exc:  # a URL that names no store
        fail(f"cannot start: {exc}")
        return False
    return True


def free_port_or_raise(host: str, port: int) -> int:
    """`port` if it can be bound now (a free one for 0), so the banner tells the truth; or OSError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        return int(probe.getsockname()[1])


def _banner(args: argparse.Namespace, source: str, operations: int, prefix: str) -> None:
    url = f"http://{args.host}:{args.port}"
    auth = (
        "off (--no-auth)"
        if args.no_auth
        else "--token values only"
        if args.token
        else "any bearer token"
    )
    print(
        f"contract mock: {url}  spec {source}  {operations} operation(s)  seed {args.seed}  auth {auth}",
        file=sys.stderr,
    )
    print(
        f"contract mock: Swagger UI {url}/ui/  spec {url}/openapi.json  Ctrl-C to stop",
        file=sys.stderr,
    )
    _admin_banner(args, url, prefix)


def _replay_banner(replayed: list[Any]) -> None:
    """Per --replay file: what it serves, then one line per skipped entry (`FILE: entry N: ...`)."""
    for found in replayed:
        ignored = f", {found.ignored} page load(s) ignored" if found.ignored else ""
        print(
            f"contract mock: replay {found.file}: {found.served} exchange(s) as "
            f"{found.expectations} expectation(s), {len(found.skipped)} skipped{ignored}",
            file=sys.stderr,
        )
        for skipped in found.skipped:
            print(f"contract mock: skipped {skipped}", file=sys.stderr)
        if not found.served:  # asked to replay, replaying nothing: say so, never silently
            print(
                f"contract mock: warning: replay {found.file}: nothing to serve; "
                "every request gets generated answers",
                file=sys.stderr,
            )


def _admin_banner(args: argparse.Namespace, url: str, prefix: str) -> None:
    from mock_server.redis_store import redacted_url  # imported here: see `run`
    from mock_server.server import is_loopback

    modes = [name for name, on in (("--watch", args.watch), ("--stateful", args.stateful)) if on]
    endpoints = [] if args.no_journal else [f"journal {url}{prefix}/requests"]
    endpoints += [f"state {url}{prefix}/state"] if args.stateful else []
    endpoints += [f"expectations {url}{prefix}/expectations"]
    if modes or endpoints:
        shared = "  (shared by the workers)" if args.workers > 1 else ""
        if args.store:
            shared = f"  (in {redacted_url(args.store)}, shared by every mock using it)"
        print(f"contract mock: {'  '.join(modes + endpoints)}{shared}", file=sys.stderr)
    if prefix != "/__mock":
        print(
            f"contract mock: admin endpoints moved to {prefix}/: the spec documents a path under /__mock",
            file=sys.stderr,
        )
    if not is_loopback(args.host):
        print(
            f"contract mock: warning: bound to {args.host}, reachable from other machines",
            file=sys.stderr,
        )
