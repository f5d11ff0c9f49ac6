"""SIGKILL in the middle of an import and of a decision: all or nothing, a sound file, no leftover after restart.

The child process counts its steps (every SQL statement, the commit, every rename of a finished file into place) and
kills itself with SIGKILL at step N, after printing which one: the kill point depends on the program's
order of work, never on the machine's speed.  N runs over the whole job, the COMMIT and the rename included.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KILLS_PER_JOB = 12

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")

CHILD = textwrap.dedent(
    """
    import os, pathlib, signal, sys
    import peewee

    db_path, job, kill_at, extra = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    steps = 0
    counting = False

    def step(label):
        global steps
        if not counting:
            return
        steps += 1
        if kill_at == 0 and label.startswith("rename "):
            print(f"rename at step {steps}", flush=True)
        if steps == kill_at:
            print(f"killed at step {steps}: {label}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    real_sql = peewee.SqliteDatabase.execute_sql
    def execute_sql(self, sql, *args, **kwargs):
        step(sql.split()[0] if sql.split() else sql)
        return real_sql(self, sql, *args, **kwargs)
    peewee.SqliteDatabase.execute_sql = execute_sql

    real_commit = peewee.SqliteDatabase.commit
    def commit(self):
        step("COMMIT")
        result = real_commit(self)
        step("committed")
        return result
    peewee.SqliteDatabase.commit = commit

    real_replace = pathlib.Path.replace
    def replace(self, target):
        step(f"rename {self.name}")
        result = real_replace(self, target)
        step(f"renamed {pathlib.Path(target).name}")
        return result
    pathlib.Path.replace = replace

    from desktop_app.storage.database import open_database
    database = open_database(db_path)
    if job == "import":
        from desktop_app.importer import apply_plan, build_plan
        plan = build_plan(extra, year=2024)
        counting = True
        result = apply_plan(plan)
    else:
        from desktop_app.appraisal.decision import issue_decision
        from desktop_app.appraisal.workbook import export_workbook
        counting = True
        export_workbook(2023, pathlib.Path(db_path).with_name("chấm điểm 2023.xlsx"))
        issue_decision(2023, "125", "15/10/2023")
    counting = False
    database.close()
    print(f"steps {steps}", flush=True)
    """
)

NEXT_START = textwrap.dedent(
    """
    import sys
    from desktop_app import workspace
    workspace.open_office(sys.argv[1]).close()
    """
)


def run_child(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, encoding="utf-8", env=env, timeout=240
    )


def state(db: Path) -> tuple[int, ...]:
    """What the two jobs change, read straight from the file; also checks it is sound."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return tuple(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables) + tuple(
            n for (n,) in conn.execute("SELECT COUNT(*) FROM mo_hinh GROUP BY status ORDER BY status")
        )
    finally:
        conn.close()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".dvk-tam")))


def kill_points(total: int) -> list[int]:
    """``KILLS_PER_JOB`` steps spread over the job, always with the first and the last ones."""
    if total <= KILLS_PER_JOB:
        return list(range(1, total + 1))
    spread = {1 + round(i * (total - 1) / (KILLS_PER_JOB - 1)) for i in range(KILLS_PER_JOB)}
    return sorted(spread | {total - 1, total - 2})


@pytest.mark.parametrize("job", ["import", "decision"])
def test_killed_at_any_step_the_file_holds_all_or_nothing(job, tmp_path, _demo_template):
    from tests.importer.conftest import messy_workbook

    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    restart = tmp_path / "restart.py"
    restart.write_text(NEXT_START, encoding="utf-8")
    workbook = str(messy_workbook(tmp_path / "đăng ký.xlsx"))

    def fresh(name: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        return Path(shutil.copyfile(_demo_template, folder / "dữ liệu.db"))

    clean = fresh("trọn vẹn")
    before = state(clean)
    done = run_child(script, str(clean), job, "0", workbook)
    assert done.returncode == 0, done.stderr
    total = int(done.stdout.split("steps ")[-1])
    after = state(clean)
    assert after != before and total > 5

    # The step that renames a finished export into place: killed there, the partial X.xlsx.tmp is left.
    renames = [int(line.split()[-1]) for line in done.stdout.splitlines() if line.startswith("rename at step")]
    assert bool(renames) == (job == "decision")
    outcomes = []
    swept = 0
    for point in sorted(set(kill_points(total)) | set(renames)):
        db = fresh(f"ngắt {point}")
        killed = run_child(script, str(db), job, str(point), workbook)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stdout, killed.stderr)
        assert f"killed at step {point}:" in killed.stdout
        swept += bool(leftovers(db.parent))
        outcomes.append(state(db))
        assert outcomes[-1] in (before, after), f"kill at step {point} left a mixture"
        opened = run_child(restart, str(db))
        assert opened.returncode == 0, opened.stderr
        assert leftovers(db.parent) == [], f"kill at step {point}: leftovers after the next start"
        assert state(db) == outcomes[-1]
    assert before in outcomes and after in outcomes  # the kills fell both before and after the commit
    assert len(outcomes) >= 10
    assert swept == len(renames)  # the partial was there after the kill, and gone after the next start
