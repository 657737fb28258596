"""Size budget of the bundle: builds the application and a bare PySide6 window with the same
build.spec options, prints both sizes and their ratio (budget: at most 1.3), and runs each once
(the bare window offscreen, the application's --self-test) to show both really start.

Run: `.venv/bin/python benchmarks/bundle.py [--keep]` (needs the `build` extra: pyinstaller).
Builds go to build/bundle-bench/ (removed afterwards unless --keep). Exit code 1 when over budget
or when a build or a run fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 1.3
WORK = ROOT / "build" / "bundle-bench"


def folder_size(path: Path) -> tuple[int, int]:
    """Bytes and number of files under `path` (symlinks not followed)."""
    total = files = 0
    for dirpath, _dirs, names in os.walk(path):
        for name in names:
            f = Path(dirpath) / name
            if not f.is_symlink():
                total += f.stat().st_size
                files += 1
    return total, files


def build(bare: bool) -> tuple[Path, float]:
    """Build with build.spec; returns the dist folder and the seconds it took."""
    env = dict(os.environ, GEPNET_BUNDLE_BARE="1" if bare else "0")
    name = "bare-window" if bare else "gepnet-desktop"
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "ERROR",
           "--distpath", str(WORK / "dist"), "--workpath", str(WORK / ("work-" + name)),
           str(ROOT / "build.spec")]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"building {name} failed (exit code {done.returncode})")
    return WORK / "dist" / name, time.perf_counter() - start


def run_once(exe: Path, *args: str) -> tuple[int, float, str]:
    """Run a frozen program with a bare environment; exit code, seconds and last output line."""
    env = {"PATH": str(WORK), "HOME": str(WORK), "QT_QPA_PLATFORM": "offscreen",
           "LANG": "C.UTF-8"}
    if sys.platform == "win32":
        env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", r"C:\Windows")
    start = time.perf_counter()
    done = subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, timeout=300)
    lines = (done.stdout or done.stderr).strip().splitlines()
    return done.returncode, time.perf_counter() - start, lines[-1] if lines else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep build/bundle-bench/")
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    try:
        bare_dir, bare_secs = build(bare=True)
        app_dir, app_secs = build(bare=False)
        bare_size, bare_files = folder_size(bare_dir)
        app_size, app_files = folder_size(app_dir)
        ratio = app_size / bare_size
        suffix = ".exe" if sys.platform == "win32" else ""
        cli = "gepnet-desktop-cli" if sys.platform == "win32" else "gepnet-desktop"
        bare_rc, bare_run, _ = run_once(bare_dir / f"bare-window{suffix}", "--quit")
        app_rc, app_run, app_last = run_once(app_dir / f"{cli}{suffix}", "--self-test")
    finally:
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)
    mb = 1024 * 1024
    print(f"platform: {sys.platform}, Python {sys.version.split()[0]}")
    print(f"bare PySide6 window: {bare_size / mb:7.1f} MB in {bare_files:4d} files "
          f"(built in {bare_secs:.0f} s; starts and quits offscreen in {bare_run:.1f} s, "
          f"exit {bare_rc})")
    print(f"gepnet-desktop:      {app_size / mb:7.1f} MB in {app_files:4d} files "
          f"(built in {app_secs:.0f} s; frozen --self-test in {app_run:.1f} s, exit {app_rc}: "
          f"{app_last})")
    print(f"size ratio: {ratio:.3f} (budget {BUDGET})")
    ok = ratio <= BUDGET and bare_rc == 0 and app_rc == 0
    if not ok:
        print("OVER BUDGET" if ratio > BUDGET else "a frozen program failed to run")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
