"""`contract mock --watch`: edits are served without a restart; a broken edit keeps the last good spec."""

from __future__ import annotations

import http.client
from pathlib import Path

from tests.mock_server.cli_mock import cli_mock, wait_for

CRUD = Path(__file__).parent / "specs" / "crud.yaml"
NEW_PATH = """  /owners:
    get:
      operationId: listOwners
      security: []
      responses:
        "200":
          description: owners
          content:
            application/json:
              schema: {type: array, items: {type: string, enum: [ann]}, minItems: 1, maxItems: 1}
"""


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path, headers={"Authorization": "Bearer t"})
    answer = connection.getresponse()
    return answer.status, answer.read()


def test_edits_reload_in_place_and_a_broken_edit_keeps_serving(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    good = CRUD.read_text()
    spec.write_text(good)
    with cli_mock(tmp_path, "--spec", str(spec), "--watch") as mock:
        port = int(mock.base_url.rsplit(":", 1)[1])
        # kept open across reloads
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        assert _get(connection, "/owners")[0] == 404
        local = connection.sock.getsockname()  # type: ignore[union-attr]

        spec.write_text(good.replace("paths:\n", "paths:\n" + NEW_PATH, 1))
        mock.wait_for_log("reloaded: 8 operations")
        assert _get(connection, "/owners") == (200, b'["ann"]')

        seen = len(mock.log())
        broken = good.replace("paths:\n", "paths:\n" + NEW_PATH, 1).replace(
            "  /sessions:\n", "  /sessions: [\n"
        )
        spec.write_text(broken)
        log = mock.wait_for_log("reload failed", after=seen)
        line = broken.splitlines().index("  /sessions: [") + 1
        failure = next(x for x in log[seen:].splitlines() if "reload failed" in x)
        assert (
            f"{spec}:" in failure and "[spec-unreadable]" in failure and "invalid YAML" in failure
        )
        assert any(f"{spec}:{n}:" in failure for n in range(line, line + 20)), failure
        assert _get(connection, "/owners") == (200, b'["ann"]')  # the last good spec still serves

        spec.write_text(good)
        mock.wait_for_log("reloaded: 7 operations", after=seen)
        assert _get(connection, "/owners")[0] == 404
        assert connection.sock.getsockname() == local  # type: ignore[union-attr]  # same connection throughout
        assert "Traceback" not in mock.log()


def test_a_spec_the_mock_cannot_serve_is_reported_with_its_line(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    good = CRUD.read_text()
    spec.write_text(good)
    with cli_mock(tmp_path, "--spec", str(spec), "--watch") as mock:
        dangling = good.replace(
            'schema: {$ref: "#/components/schemas/Pet"}',
            'schema: {$ref: "#/components/schemas/Nowhere"}',
            1,
        )
        spec.write_text(dangling)
        log = mock.wait_for_log("reload failed")
        failure = next(x for x in log.splitlines() if "reload failed" in x)
        line = (
            dangling.splitlines().index(
                '              schema: {$ref: "#/components/schemas/Nowhere"}'
            )
            + 1
        )
        assert (
            f"{spec}:{line}: error: unresolvable $ref '#/components/schemas/Nowhere'" in failure
        ), failure
        wait_for(lambda: "Traceback" not in mock.log(), 1, "no traceback")
