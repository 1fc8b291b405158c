"""`contract proxy --upstream URL`: a validating proxy in front of a staging server."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from contract_cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from contract_cli.common import add_spec_option, fail, load_spec_or_none
from contract_cli.mock import free_port_or_raise
from contract_core import ContractError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "proxy",
        help="validate live traffic to a staging server against the contract",
        description="Forward every request to --upstream and hold each exchange to the contract. Violations go "
        "to the log, to an X-Contract-Violations response header and to GET /__proxy/violations.",
    )
    parser.add_argument(
        "--upstream",
        required=True,
        metavar="URL",
        help="the server to forward to, e.g. "
        "https://staging.example.com (a path in it is prefixed to every request)",
    )
    add_spec_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=4011, help="port (default 4011; 0 picks a free one)"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="refuse bad requests (400) and replace bad "
        "answers (502) with problem+json naming the violations",
    )
    parser.add_argument(
        "--fallback",
        choices=("mock",),
        help="'mock': the kit's mock answers when the upstream "
        "has no such route (404/501) or cannot be reached",
    )
    parser.add_argument(
        "--record",
        type=Path,
        metavar="FILE.har",
        help="write every exchange, redacted, to a HAR 1.2 file (readable by `contract verify`)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds to wait for the upstream (default 30; then 504)",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="do not verify the upstream's TLS certificate "
        "(a staging server with a self-signed or internal-CA certificate)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="answer CORS for this browser origin (repeatable; '*' for any); default: the "
        "upstream's CORS headers pass through, with the proxy's headers exposed",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    upstream = urlsplit(args.upstream)
    if upstream.scheme not in ("http", "https") or not upstream.netloc:
        fail(
            f"--upstream {args.upstream!r} is not an http(s) URL; pass e.g. https://staging.example.com"
        )
        return EXIT_USAGE
    if args.timeout <= 0 or not 0 <= args.port <= 65535:
        fail("--timeout must be above 0 and --port within 0-65535")
        return EXIT_USAGE
    spec = load_spec_or_none(args.spec)
    if spec is None:
        return EXIT_USAGE
    from conformance.traffic.proxy import (  # after option checks: start-up compiles the spec
        ProxySettings,
        create_proxy_app,
    )

    settings = ProxySettings(
        upstream=args.upstream,
        strict=args.strict,
        fallback_mock=args.fallback == "mock",
        record=args.record,
        timeout=args.timeout,
        cors_origins=tuple(args.cors_origin),
        insecure=args.insecure,
    )
    try:
        args.port = free_port_or_raise(args.host, args.port)
    except OSError as exc:
        fail(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; pick another --port"
        )
        return EXIT_USAGE
    try:
        app = create_proxy_app(spec, settings)
    except OSError as exc:
        fail(
            f"cannot write --record {args.record}: {exc.strerror or exc}; check that its folder exists"
        )
        return EXIT_USAGE
    except ContractError as exc:
        fail(f"cannot proxy for {spec.source}: {exc}")
        return EXIT_FINDINGS
    _banner(args, spec.source, len(spec.operations))
    # Everything built so far (the spec, its compiled validators, the libraries) lives as long as the
    # proxy: out of the collector's sight, a full collection no longer walks it (40-60 ms, a p99 spike).
    gc.freeze()
    return _serve(app, args)


def _serve(app: Any, args: argparse.Namespace) -> int:
    import uvicorn

    _configure_logging()
    try:
        # No `server`/`date` headers of uvicorn's own: the upstream's pass through unchanged.
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            access_log=False,
            log_level="warning",
            timeout_graceful_shutdown=3,
            server_header=False,
            date_header=False,
        )
    except OSError as exc:
        fail(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}")
        return EXIT_USAGE
    except SystemExit:
        fail(f"the proxy on {args.host}:{args.port} could not start")
        return EXIT_USAGE
    return EXIT_OK


def _configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    for name in ("contract.proxy", "contract.mock"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


def _banner(args: argparse.Namespace, source: str, operations: int) -> None:
    url = f"http://{args.host}:{args.port}"
    modes = [
        m
        for m, on in (
            ("strict", args.strict),
            ("fallback mock", args.fallback),
            (f"record {args.record}", args.record),
        )
        if on
    ]
    print(
        f"contract proxy: {url} -> {args.upstream}  spec {source}  {operations} operation(s)"
        f"{'  ' + ', '.join(modes) if modes else ''}",
        file=sys.stderr,
    )
    print(
        f"contract proxy: violations in the X-Contract-Violations header and at {url}/__proxy/violations; "
        "Ctrl-C to stop",
        file=sys.stderr,
    )
