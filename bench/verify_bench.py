"""`contract verify` on a large recorded session (a script, not a test): seconds and peak memory.

A HAR of N creates of the bundled spec's Create Token (the mock's 201, a fresh id and token in each,
as a correct server answers), verified from the command line as CI would. No peer verifies recorded
traffic against an OpenAPI document offline (Prism validates only in its proxy, Schemathesis only
what it generated), so the figures stand alone; compare runs on the same machine.

    .venv/bin/python bench/verify_bench.py                 # 20,000 entries
    .venv/bin/python bench/verify_bench.py --entries 5000
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mock_bench import BODY, PATH, BenchError, mock_201_body


def recorded_session(entries: int, logs: Path) -> Path:
    body = json.loads(mock_201_body(logs))
    entry = {
        "startedDateTime": "2026-12-01T00:00:00.000Z",
        "time": 1,
        "cache": {},
        "timings": {"send": 0, "wait": 1, "receive": 0},
        "request": {
            "method": "POST",
            "url": f"https://staging.example.com{PATH}",
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": "Authorization", "value": "Bearer bench-credential"},
                {"name": "Content-Type", "value": "application/json"},
            ],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": len(BODY),
            "postData": {"mimeType": "application/json", "text": BODY.decode()},
        },
        "response": {
            "status": 201,
            "statusText": "Created",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "content": {"mimeType": "application/json", "size": 0},
        },
    }
    recorded = []
    for serial in range(entries):
        item = copy.deepcopy(entry)
        item["response"]["content"]["text"] = json.dumps(
            {**body, "id": f"tok_{serial:020d}", "token": f"pat_live_{serial:032d}"}
        )
        recorded.append(item)
    path = logs / "session.har"
    path.write_text(
        json.dumps(
            {
                "log": {
                    "version": "1.2",
                    "creator": {"name": "verify_bench", "version": "1"},
                    "entries": recorded,
                }
            }
        )
    )
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="verify-bench-"))
    har = recorded_session(args.entries, logs)
    command = [
        "/usr/bin/time",
        "-f",
        "%M",
        sys.executable,
        "-m",
        "contract_cli",
        "verify",
        str(har),
        "--format",
        "json",
    ]
    began = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"}
    )
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise BenchError(f"contract verify exited {done.returncode}: {done.stderr[-500:]}")
    report = json.loads(done.stdout)
    peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
    size_mb = har.stat().st_size / 1e6
    print(
        f"contract verify: {report['checked']} entries ({size_mb:.0f} MB HAR), conformant={report['conformant']}: "
        f"{seconds:.1f} s ({report['checked'] / seconds:,.0f} entries/s), peak RSS {peak_mb:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"verify_bench: {exc}", file=sys.stderr)
        sys.exit(2)
