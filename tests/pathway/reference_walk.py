"""An independent, imperative transcription of pathway-spec.md (contract 2), used only as a
test oracle.

It is written from the contract text alone and shares no code with the application (which is
driven by the pathway data file): plain dicts in, plain dicts out, standard library only. The
two agreeing on thousands of generated cases is real evidence that the data file and the engine
encode the contract.

Each block below names the part of pathway-spec.md it transcribes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

Case = dict[str, Any]

# --- Inputs: vocabulary -------------------------------------------------------------------------
SSAS = ("lanreotide", "octreotide_lar")
SYMPTOM_AGENTS = ("telotristat", "diazoxide", "high_dose_ppi")
PROGRESSION_OUTCOMES = ("progression", "continued_after_progression")
PROGRESSING_PACES = ("slow_progression", "rapid_progression")
FIXED_COURSES = ("prrt_lu177", "captem", "platinum_etoposide", "irinotecan_cisplatin", "folfiri",
                 "folfox")
PLATINUM_REGIMENS = ("platinum_etoposide", "irinotecan_cisplatin")
MIDGUT = ("jejunum_ileum", "appendix")

# "A progression implies others of its class."
PROGRESSION_IMPLIES: dict[str, tuple[str, ...]] = {
    "lanreotide": ("octreotide_lar",), "octreotide_lar": ("lanreotide",),
    "temozolomide": ("captem",), "irinotecan_cisplatin": ("folfiri",),
}

# "The drugs: ..." (Oxaliplatin is not counted as a platinum.) A regimen not listed is its own
# single drug; other / clinical_trial / best_supportive_care name no drug.
DRUGS: dict[str, frozenset[str]] = {
    "captem": frozenset({"fluoropyrimidine", "temozolomide"}),
    "temozolomide": frozenset({"temozolomide"}),
    "folfiri": frozenset({"fluoropyrimidine", "irinotecan"}),
    "folfox": frozenset({"fluoropyrimidine", "oxaliplatin"}),
    "platinum_etoposide": frozenset({"platinum", "etoposide"}),
    "irinotecan_cisplatin": frozenset({"irinotecan", "platinum"}),
    "other": frozenset(), "clinical_trial": frozenset(), "best_supportive_care": frozenset(),
}

# "Symptom control (independent of the path)".
SYMPTOM_CONTROL: dict[str, list[str]] = {
    "carcinoid": ["octreotide_lar", "lanreotide", "telotristat"],
    "insulinoma": ["diazoxide", "everolimus"],
    "gastrinoma": ["high_dose_ppi"],
    "vipoma": ["octreotide_lar", "lanreotide"],
    "glucagonoma": ["octreotide_lar", "lanreotide"],
}

PRRT_RECHALLENGE_DAYS = 365
LATER_LINES = ["clinical_trial", "best_supportive_care"]


def drugs(regimen: str) -> frozenset[str]:
    return DRUGS.get(regimen, frozenset({regimen}))


def _lines(c: Case) -> list[dict[str, Any]]:
    return list(c.get("lines") or [])


def _is_anti_tumour(line: dict[str, Any]) -> bool:
    return line["regimen"] not in SYMPTOM_AGENTS


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# --- Inputs: derived ----------------------------------------------------------------------------
def who_grade(c: Case) -> str | None:
    d = c.get("differentiation")
    if d == "poor":
        return "NEC"
    if d == "minen":
        return "MiNEN"
    if d != "well":
        return None
    grades: list[int] = []
    k, m = c.get("ki67_percent"), c.get("mitoses_per_2mm2")
    if k is not None:
        grades.append(1 if k < 3 else 2 if k <= 20 else 3)
    if m is not None:
        grades.append(1 if m < 2 else 2 if m <= 20 else 3)
    return f"G{max(grades)}" if grades else None


def derive(c: Case) -> dict[str, Any]:
    """Every derived set and flag of the Inputs section, by its contract name."""
    lines = _lines(c)
    anti = [ln for ln in lines if _is_anti_tumour(ln)]

    progressed: set[str] = set()
    for ln in anti:
        if ln["outcome"] in PROGRESSION_OUTCOMES:
            progressed.add(ln["regimen"])
            progressed.update(PROGRESSION_IMPLIES.get(ln["regimen"], ()))

    pe_toxicity = any(ln["regimen"] == "platinum_etoposide" and ln["outcome"] == "toxicity"
                      for ln in anti)
    intolerant = {ln["regimen"] for ln in anti
                  if ln["outcome"] == "toxicity" and ln["regimen"] != "platinum_etoposide"}

    prrt_lines = [ln for ln in anti if ln["regimen"] == "prrt_lu177"]
    last_prrt = prrt_lines[-1] if prrt_lines else None
    prrt_rechallenge = False
    if last_prrt is not None and last_prrt["outcome"] == "progression":
        end, prog = _day(last_prrt.get("end_date")), _day(last_prrt.get("progression_date"))
        prrt_rechallenge = (end is not None and prog is not None
                            and (prog - end).days >= PRRT_RECHALLENGE_DAYS)
    prrt_excluded = (any(ln["outcome"] == "toxicity" for ln in prrt_lines)
                     or (last_prrt is not None and last_prrt["outcome"] in PROGRESSION_OUTCOMES
                         and not prrt_rechallenge))

    excluded = (progressed | intolerant) - {"prrt_lu177"}
    if prrt_excluded:
        excluded.add("prrt_lu177")

    ongoing = [ln for ln in lines if ln["outcome"] == "ongoing"]
    current = None
    for group in ([ln for ln in ongoing if _is_anti_tumour(ln) and ln["regimen"] not in SSAS],
                  [ln for ln in ongoing if ln["regimen"] in SSAS],
                  [ln for ln in lines if ln["outcome"] == "continued_after_progression"],
                  [ln for ln in ongoing if not _is_anti_tumour(ln)]):
        if group:
            current = group[-1]["regimen"]
            break

    return {
        "progressed": progressed,
        "intolerant": intolerant,
        "pe_toxicity": pe_toxicity,
        "last_prrt": last_prrt,
        "prrt_excluded": prrt_excluded,
        "prrt_rechallenge": prrt_rechallenge,
        "excluded": excluded,
        "progression_documented": c.get("pace") in PROGRESSING_PACES or bool(progressed),
        "current_regimen": current,
        "receiving": {ln["regimen"] for ln in ongoing},
        "on_ssa": any(ln["regimen"] in SSAS and ln["outcome"] in ("ongoing",
                                                                   "continued_after_progression")
                      for ln in lines),
        "ssa_naive": not any(ln["regimen"] in SSAS for ln in lines),
        "prior_prrt": any(ln["regimen"] == "prrt_lu177" for ln in lines),
        "midgut": c.get("primary_site") in MIDGUT,
        "who_grade": who_grade(c),
    }


# --- Walk, step 12: record warnings -------------------------------------------------------------
def record_warnings(c: Case, d: dict[str, Any]) -> list[str]:
    lines = _lines(c)
    anti = [ln for ln in lines if _is_anti_tumour(ln)]
    progressing = c.get("pace") in PROGRESSING_PACES
    out: list[str] = []
    non_ssa_ongoing = any(ln["outcome"] == "ongoing" and ln["regimen"] not in SSAS for ln in anti)
    ssa_ongoing = any(ln["outcome"] == "ongoing" and ln["regimen"] in SSAS for ln in lines)
    any_continued = any(ln["outcome"] == "continued_after_progression" for ln in lines)
    if progressing and (non_ssa_ongoing or (ssa_ongoing and not any_continued)):
        out.append("progression_while_ongoing")
    if progressing and anti and anti[-1]["regimen"] in FIXED_COURSES \
            and anti[-1]["outcome"] == "completed":
        out.append("progression_after_completed_course")
    last = d["last_prrt"]
    if last is not None and last["outcome"] == "progression" \
            and (last.get("end_date") is None or last.get("progression_date") is None):
        out.append("unknown:prrt_progression_date")
    return out


# --- Cautions -----------------------------------------------------------------------------------
def cautions(opt: str, c: Case, d: dict[str, Any]) -> list[str]:
    if opt in LATER_LINES:
        return []
    com = c.get("comorbidities") or []
    egfr, ecog = c.get("egfr_ml_min"), c.get("ecog")
    poor = ecog is not None and ecog >= 3
    insulinoma = c.get("functional_syndrome") == "insulinoma"

    out: list[str] = []
    if opt in d["receiving"]:
        out.append("currently_receiving")
    sources = set(d["intolerant"]) | ({"platinum_etoposide"} if d["pe_toxicity"] else set())
    if opt not in d["intolerant"] and any(
            s != opt and drugs(s) & drugs(opt) for s in sources):
        out.append("shared_drug_toxicity")

    def add(code: str, cond: bool) -> None:
        if cond:
            out.append(code)

    if opt == "everolimus":
        add("uncontrolled_diabetes", "uncontrolled_diabetes" in com)
        add("no_documented_progression", not d["progression_documented"] and not insulinoma)
        add("poor_performance_status", poor)
    elif opt == "sunitinib":
        add("uncontrolled_hypertension", "uncontrolled_hypertension" in com)
        add("heart_failure", "heart_failure" in com)
        add("no_documented_progression", not d["progression_documented"])
        add("poor_performance_status", poor)
    elif opt == "prrt_lu177":
        add("prrt_rechallenge", d["prior_prrt"])
        add("renal_impairment", egfr is not None and egfr < 50)
        add("heterogeneous_sstr", c.get("sstr_heterogeneous") is True)
        add("stop_long_acting_ssa", d["on_ssa"])
        add("poor_performance_status", poor)
    elif opt == "captem":
        add("dpd_deficiency", "dpd_deficiency" in com)
        add("renal_impairment", egfr is not None and egfr < 30)
        add("renal_dose_reduction", egfr is not None and 30 <= egfr < 50)
        add("poor_performance_status", poor)
    elif opt in ("folfiri", "folfox"):
        add("dpd_deficiency", "dpd_deficiency" in com)
        add("poor_performance_status", poor)
    elif opt == "platinum_etoposide":
        add("platinum_switch", d["pe_toxicity"])
        add("renal_impairment", egfr is not None and egfr < 60)
        add("poor_performance_status", poor)
    elif opt == "irinotecan_cisplatin":
        add("renal_impairment", egfr is not None and egfr < 60)
        add("poor_performance_status", poor)
    elif opt in SSAS:
        add("insulinoma_hypoglycaemia", insulinoma)
    return out


# --- Walk, steps 1-11 ---------------------------------------------------------------------------
class _Stop(Exception):
    def __init__(self, missing: str) -> None:
        super().__init__(missing)
        self.missing = missing


def _walk(c: Case, d: dict[str, Any], path: list[str],
          warnings: list[str]) -> tuple[str, list[str]]:
    """Appends to path and warnings; returns the treatment node reached and its base options,
    or raises _Stop for missing data."""
    site, sstr, ki67 = c.get("primary_site"), c.get("sstr_status"), c.get("ki67_percent")
    progressed, grade = d["progressed"], d["who_grade"]
    pancreas = site == "pancreas"
    path += ["entry", "differentiation"]

    def site_node(node: str) -> None:
        path.append(node)
        if site is None:
            raise _Stop("primary_site")
        if site == "unknown_primary":
            warnings.append("unknown_primary_treated_as_gi")

    diff = c.get("differentiation")
    if diff is None:  # 1
        raise _Stop("differentiation")
    if diff in ("poor", "minen"):  # 2
        path.append("nec")
        if diff == "minen":
            warnings.append("minen_treated_as_nec")
        if not set(PLATINUM_REGIMENS) & progressed:
            return "nec_first_line", ["platinum_etoposide", "irinotecan_cisplatin"]
        return "nec_second_line", ["folfiri", "folfox"] + (
            ["captem"] if ki67 is not None and ki67 < 55 else [])
    path.append("grade")  # 3
    if grade is None:
        raise _Stop("ki67_percent")
    if ki67 is None and c.get("mitoses_per_2mm2") is not None:
        warnings.append("grade_from_mitoses_only")
    if grade == "G3":  # 4
        path.append("net_g3")
        if site is None:
            raise _Stop("primary_site")
        if sstr is None:
            warnings.append("unknown:sstr_status")
        if ki67 is not None and ki67 > 55:
            base = ["platinum_etoposide", "captem"]
        else:
            base = ["captem", "everolimus"] + (["sunitinib"] if pancreas else []) + (
                ["prrt_lu177"] if sstr == "positive" else [])
        return ("net_g3_next_line" if progressed else "net_g3_first_line"), base
    path += ["net_g12", "sstr_status"]  # 5
    if sstr is None:
        path.append("obtain_sstr_imaging")
        raise _Stop("sstr_status")
    if sstr == "negative":  # 6
        path.append("sstr_negative")
        site_node("site_sstr_negative")
        if pancreas:
            return "pnet_sstr_negative", ["everolimus", "sunitinib", "captem"]
        return "ginet_sstr_negative", ["everolimus"]
    path.append("sstr_positive")  # 7
    if progressed:
        site_node("site_after_progression")
        if d["ssa_naive"]:
            warnings.append("ssa_naive")
        if pancreas:
            return "pnet_after_progression", ["everolimus", "sunitinib", "captem", "prrt_lu177"]
        if d["midgut"]:
            return "ginet_after_progression", ["prrt_lu177", "everolimus"]
        return "ginet_after_progression", ["everolimus", "prrt_lu177"]
    path.append("behaviour")  # 8
    for key in ("hepatic_burden", "bulk_symptoms", "pace"):
        if c.get(key) is None:
            warnings.append(f"unknown:{key}")
    insulinoma = c.get("functional_syndrome") == "insulinoma"
    aggressive = ((ki67 is not None and ki67 >= 10) or c.get("hepatic_burden") == "gt50"
                  or c.get("bulk_symptoms") is True or c.get("pace") == "rapid_progression"
                  or insulinoma)
    if not aggressive:
        return "ssa_first_line", ["lanreotide", "octreotide_lar"]
    site_node("site_active_first_line")
    if pancreas:
        return "pnet_active_first_line", (
            ["everolimus", "prrt_lu177", "captem", "sunitinib"] if insulinoma
            else ["captem", "everolimus", "sunitinib"])
    return "ginet_active_first_line", (
        ["everolimus", "lanreotide", "octreotide_lar"] if insulinoma
        else ["lanreotide", "octreotide_lar", "everolimus"])


def reference_evaluate(c: Case) -> dict[str, Any]:
    """The contract keys of `evaluate` for one valid case (a plain dict)."""
    d = derive(c)
    warnings = record_warnings(c, d)
    path: list[str] = []
    result: dict[str, Any] = {
        "who_grade": d["who_grade"],
        "symptom_control": list(SYMPTOM_CONTROL.get(c.get("functional_syndrome") or "", [])),
        "current_regimen": d["current_regimen"],
    }
    try:
        node, base = _walk(c, d, path, warnings)
    except _Stop as stop:
        return {**result, "status": "needs_data", "path": path, "recommendation_node": None,
                "options": [], "missing": [stop.missing], "warnings": warnings}
    # 9: options = base minus excluded; none left -> later_lines.
    path.append(node)
    ids = [o for o in base if o not in d["excluded"]]
    if not ids:
        node = "later_lines"
        path.append(node)
        ids = list(LATER_LINES)
    options = [{"id": o, "cautions": cautions(o, c, d)} for o in ids]
    # 11: frailty.
    ecog = c.get("ecog")
    if ecog is not None and ecog >= 3:
        options = [{"id": "best_supportive_care", "cautions": []}] + [
            o for o in options if o["id"] != "best_supportive_care"]
        warnings.append("poor_performance_status")
    return {**result, "status": "recommendation", "path": path, "recommendation_node": node,
            "options": options, "missing": [], "warnings": warnings}


# --- Korean access for this patient -------------------------------------------------------------
def prior_lines(c: Case) -> int:
    """Distinct anti-tumour regimens recorded, whatever their outcome; both SSAs count as one."""
    return len({"ssa" if ln["regimen"] in SSAS else ln["regimen"]
                for ln in _lines(c) if _is_anti_tumour(ln)})


def prrt_access(c: Case) -> str:
    d = derive(c)
    if d["prior_prrt"]:
        return "unverified"
    needed = 3 if c.get("primary_site") == "pancreas" else 2
    meets = (d["who_grade"] in ("G1", "G2") and c.get("sstr_status") == "positive"
             and prior_lines(c) >= needed)
    targeted = {"everolimus", "sunitinib"}
    if meets and targeted & d["progressed"]:
        return "reimbursed"
    if meets and targeted & d["intolerant"]:
        return "unverified"
    return "self_paid"


def reference_access(c: Case, result: dict[str, Any]) -> list[str]:
    """The Korean access status of each option of `result`, in option order."""
    out = []
    for opt in result["options"]:
        if opt["id"] == "prrt_lu177":
            out.append(prrt_access(c))
        elif opt["id"] == "cabozantinib":
            out.append("not_approved")
        else:
            out.append("unverified")
    return out
