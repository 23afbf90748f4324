"""A run's events land in one JSONL trace under the cache folder; ``seidr trace show`` prints it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from seidr.synth.events import Events, TraceWriter

SEIDR = [sys.executable, "-m", "seidr"]


def test_a_trace_keeps_every_event_and_trace_show_prints_it(workspace):
    cache = os.path.join(os.environ["XDG_CACHE_HOME"], "seidr")
    trace = TraceWriter(cache)
    events = Events([trace])
    events.emit("stage", stage="draft")
    events.emit("best", program="abc123", passed=1, total=2, score=0.5)
    events.emit("done", reason="solved", solved=True)
    trace.close()
    lines = [json.loads(l) for l in open(trace.path, encoding="utf-8")]
    assert [l["kind"] for l in lines] == ["stage", "best", "done"]
    assert os.path.dirname(trace.path) == os.path.join(cache, "traces")

    for run in (trace.run_id, trace.run_id[:10], "last"):
        shown = subprocess.run([*SEIDR, "trace", "show", run], capture_output=True, text=True, cwd=workspace)
        assert shown.returncode == 0, shown.stderr
        assert "best" in shown.stdout and "passed=1 total=2" in shown.stdout and "reason=solved" in shown.stdout


def test_an_unknown_run_is_one_line_naming_the_fix(workspace):
    shown = subprocess.run([*SEIDR, "trace", "show", "nope"], capture_output=True, text=True, cwd=workspace)
    assert shown.returncode == 2
    assert shown.stderr.count("\n") == 1 and "'last'" in shown.stderr and "Traceback" not in shown.stderr
