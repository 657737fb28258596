"""Regenerate resources/examples/ from the contract's worked cases (shared/clinical/vignettes.json).

Writes `cases.json` (a list of case objects, what `gepnet-desktop evaluate` reads), `expected.json`
(the contract's expected evaluation of each, same order, what `evaluate --json` prints) and
`demo-cases.json` (a few of them recoded DEMO-nn and marked as fictitious, for the first-start
offer). Every case is fictitious. Run: `.venv/bin/python benchmarks/make_examples.py`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gepnet_desktop.pathway import CONTRACT_KEYS

ROOT = Path(__file__).resolve().parents[1]
VIGNETTES = ROOT.parent / "shared" / "clinical" / "vignettes.json"
OUT = ROOT / "resources" / "examples"
# One per branch of the chart: indolent, functional, active pNET, NEC, needs data, after
# progression, exhausted options, NET G3 graded from mitoses alone.
DEMO_IDS = ("V01", "V03", "V04", "V10", "V17", "V20", "V24", "S06")
DEMO_MARK = ("FICTITIOUS DEMONSTRATION CASE - not a real patient. "
             "가상의 예시 증례 - 실제 환자가 아닙니다.")


def dump(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    vignettes = json.loads(VIGNETTES.read_text(encoding="utf-8"))
    cases, expected, demo = [], [], []
    for v in vignettes:
        case = dict(v["case"])
        case["notes"] = f"Fictitious worked example {v['id']}: {v['description']}"
        cases.append(case)
        expected.append({k: v["expected"][k] for k in CONTRACT_KEYS})
        if v["id"] in DEMO_IDS:
            number = DEMO_IDS.index(v["id"]) + 1
            demo.append({**v["case"], "case_code": f"DEMO-{number:02d}",
                         "notes": f"{DEMO_MARK}\n{v['description']}"})
    OUT.mkdir(parents=True, exist_ok=True)
    dump(OUT / "cases.json", cases)
    dump(OUT / "expected.json", expected)
    dump(OUT / "demo-cases.json", sorted(demo, key=lambda c: c["case_code"]))
    print(f"{len(cases)} example cases, {len(demo)} demonstration cases written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
