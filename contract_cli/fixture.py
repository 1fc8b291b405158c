"""`contract fixture`: print one fixture (a documented response body) as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from contract_cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from contract_cli.common import add_spec_option, fail, load_spec_or_none
from contract_core import ContractError
from contract_core.errors import InvalidSchema


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fixture",
        help="print a schema-valid fixture for an operation's response",
        description="Print a schema-valid, deterministic fixture for one documented response of an "
        "operation. Same spec, operation, status, media type and seed: same bytes.",
    )
    parser.add_argument("operation", metavar="OPERATION_ID", help="operationId, or 'METHOD /path'")
    add_spec_option(parser)
    parser.add_argument("--status", help="documented status code (default: the success response)")
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument("--media-type", help="documented media type (default: the JSON one)")
    parser.add_argument("--compact", action="store_true", help="one line, no indentation")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # imported here: the fixture engine (Faker, hypothesis) costs 50 ms of start-up that
    # `contract --help` and the other commands do not need
    from mock_server.fixtures import FixtureEngine, UndocumentedResponse

    spec = load_spec_or_none(args.spec)
    if spec is None:
        return EXIT_USAGE
    try:
        operation = spec.operation(args.operation)
    except KeyError as exc:
        fail(str(exc.args[0]))
        return EXIT_USAGE
    engine = FixtureEngine(spec)
    try:
        target = engine.default_target(operation, args.status, args.media_type)
        fixture = engine.fixture(operation, target, args.seed)
    except (UndocumentedResponse, InvalidSchema) as exc:  # the request or the spec is wrong
        fail(str(exc))
        return EXIT_USAGE
    except ContractError as exc:  # no finite instance, or no instance that validates
        fail(str(exc))
        return EXIT_FINDINGS
    indent = None if args.compact else 2
    separators = (",", ":") if args.compact else None
    sys.stdout.write(
        json.dumps(fixture.body, indent=indent, separators=separators, ensure_ascii=False) + "\n"
    )
    return EXIT_OK
