"""Time to validate and evaluate 10,000 random valid cases in one batch (target: under 2 s).

Run: .venv/bin/python benchmarks/evaluate.py [N]
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gepnet_desktop.case import validate_case
from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.pathway import default_pathway, evaluate


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(2021)
    cases = [random_case_dict(rng, code=f"B{i:05d}") for i in range(n)]
    pathway = default_pathway()

    t0 = time.perf_counter()
    results = [evaluate(validate_case(c).case, pathway) for c in cases]
    in_process = time.perf_counter() - t0
    assert len(results) == n

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "cases.json"
        src.write_text(json.dumps(cases), encoding="utf-8")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "gepnet_desktop", "evaluate", str(src),
                               "--json"], capture_output=True, text=True, check=True)
        cli = time.perf_counter() - t0
    assert len(json.loads(proc.stdout)) == n
    print(f"validate + evaluate {n:,} cases in one batch (in process): {in_process:.3f} s "
          f"({in_process / n * 1e6:.0f} µs per case)")
    print(f"`gepnet-desktop evaluate FILE --json` on {n:,} cases (whole command, incl. start, "
          f"parse, print): {cli:.3f} s")
    print("target: under 2 s")


if __name__ == "__main__":
    main()
