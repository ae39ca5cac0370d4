"""SQLite under parallel posts (issue #10, item 6): they queue, none fails with "database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("parallel_posts.py")


def test_parallel_posts_on_sqlite_all_succeed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["SOCIALINVEST_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "22"],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,  # a loaded shared machine; alone it takes about a minute
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["statuses"] == [302] * 22, result.stderr[-3000:]
    assert outcome["created"] == 22
    assert "database is locked" not in result.stderr
