"""An independent, imperative transcription of pathway-spec.md, used only as a test oracle.

It shares no code with the engine (which is driven by the data file), so the two agreeing on
thousands of random cases is real evidence that the data file encodes the contract.
"""

from __future__ import annotations

from typing import Any

SYMPTOM_AGENTS = {"telotristat", "diazoxide", "high_dose_ppi"}
IMPLIES = {"lanreotide": ["octreotide_lar"], "octreotide_lar": ["lanreotide"],
           "temozolomide": ["captem"], "irinotecan_cisplatin": ["folfiri"]}
SYMPTOMS = {"carcinoid": ["octreotide_lar", "lanreotide", "telotristat"],
            "insulinoma": ["diazoxide", "everolimus"], "gastrinoma": ["high_dose_ppi"],
            "vipoma": ["octreotide_lar", "lanreotide"],
            "glucagonoma": ["octreotide_lar", "lanreotide"]}


def grade(c: dict[str, Any]) -> str | None:
    d = c.get("differentiation")
    if d == "poor":
        return "NEC"
    if d == "minen":
        return "MiNEN"
    if d != "well":
        return None
    gs = []
    k, m = c.get("ki67_percent"), c.get("mitoses_per_2mm2")
    if k is not None:
        gs.append(1 if k < 3 else 2 if k <= 20 else 3)
    if m is not None:
        gs.append(1 if m < 2 else 2 if m <= 20 else 3)
    return f"G{max(gs)}" if gs else None


def cautions(opt: str, c: dict[str, Any], prog_doc: bool) -> list[str]:
    com = c.get("comorbidities") or []
    egfr, ecog = c.get("egfr_ml_min"), c.get("ecog")
    poor = ecog is not None and ecog >= 3
    out: list[str] = []
    if opt == "everolimus":
        out += ["uncontrolled_diabetes"] * ("uncontrolled_diabetes" in com)
        out += ["no_documented_progression"] * (not prog_doc)
    elif opt == "sunitinib":
        out += ["uncontrolled_hypertension"] * ("uncontrolled_hypertension" in com)
        out += ["heart_failure"] * ("heart_failure" in com)
        out += ["no_documented_progression"] * (not prog_doc)
    elif opt == "prrt_lu177":
        out += ["renal_impairment"] * (egfr is not None and egfr < 50)
        out += ["heterogeneous_sstr"] * (c.get("sstr_heterogeneous") is True)
    elif opt == "captem":
        out += ["dpd_deficiency"] * ("dpd_deficiency" in com)
        out += ["renal_impairment"] * (egfr is not None and egfr < 30)
    elif opt in ("folfiri", "folfox"):
        out += ["dpd_deficiency"] * ("dpd_deficiency" in com)
    elif opt in ("platinum_etoposide", "irinotecan_cisplatin"):
        out += ["renal_impairment"] * (egfr is not None and egfr < 60)
    elif opt in ("lanreotide", "octreotide_lar"):
        out += ["insulinoma_hypoglycaemia"] * (c.get("functional_syndrome") == "insulinoma")
    if opt not in ("clinical_trial", "best_supportive_care") and poor:
        out.append("poor_performance_status")
    return out


def reference_evaluate(c: dict[str, Any]) -> dict[str, Any]:
    """The contract's JSON for one valid case."""
    lines = c.get("lines") or []
    failed: set[str] = set()
    for ln in lines:
        if ln["outcome"] in ("progression", "toxicity") and ln["regimen"] not in SYMPTOM_AGENTS:
            failed.add(ln["regimen"])
            failed.update(IMPLIES.get(ln["regimen"], []))
    prog_doc = c.get("pace") in ("slow_progression", "rapid_progression") or bool(failed)
    ongoing = [ln["regimen"] for ln in lines if ln["outcome"] == "ongoing"]
    g = grade(c)
    res: dict[str, Any] = {
        "who_grade": g, "status": "needs_data", "path": ["entry", "differentiation"],
        "recommendation_node": None, "options": [],
        "symptom_control": SYMPTOMS.get(c.get("functional_syndrome") or "", []),
        "missing": [], "warnings": [], "current_regimen": ongoing[-1] if ongoing else None,
    }
    path, warns = res["path"], res["warnings"]
    site, sstr, k = c.get("primary_site"), c.get("sstr_status"), c.get("ki67_percent")

    def stop(field: str) -> dict[str, Any]:
        res["missing"] = [field]
        return res

    def treat(node: str, base: list[str]) -> dict[str, Any]:
        path.append(node)
        left = [o for o in base if o not in failed]
        if not left:
            path.append("later_lines")
            res.update(status="recommendation", recommendation_node="later_lines",
                       options=[{"id": "clinical_trial", "cautions": []},
                                {"id": "best_supportive_care", "cautions": []}])
            return res
        res.update(status="recommendation", recommendation_node=node,
                   options=[{"id": o, "cautions": cautions(o, c, prog_doc)} for o in left])
        return res

    def site_node(node: str) -> bool:
        path.append(node)
        if site is None:
            return False
        if site == "unknown_primary":
            warns.append("unknown_primary_treated_as_gi")
        return True

    d = c.get("differentiation")
    if d is None:
        return stop("differentiation")
    if d in ("poor", "minen"):
        path.append("nec")
        if d == "minen":
            warns.append("minen_treated_as_nec")
        if not failed & {"platinum_etoposide", "irinotecan_cisplatin"}:
            return treat("nec_first_line", ["platinum_etoposide", "irinotecan_cisplatin"])
        return treat("nec_second_line", ["folfiri", "folfox"] + (
            ["captem"] if k is not None and k < 55 else []))
    path.append("grade")
    if g is None:
        return stop("ki67_percent")
    if k is None and c.get("mitoses_per_2mm2") is not None:
        warns.append("grade_from_mitoses_only")
    if g == "G3":
        path.append("net_g3")
        if site is None:
            return stop("primary_site")
        if sstr is None:
            warns.append("unknown:sstr_status")
        if k is not None and k > 55:
            base = ["platinum_etoposide", "captem"]
        else:
            base = ["captem", "everolimus"] + ["sunitinib"] * (site == "pancreas") + [
                "prrt_lu177"] * (sstr == "positive")
        return treat("net_g3_next_line" if failed else "net_g3_first_line", base)
    path += ["net_g12", "sstr_status"]
    if sstr is None:
        path.append("obtain_sstr_imaging")
        return stop("sstr_status")
    if sstr == "negative":
        path.append("sstr_negative")
        if not site_node("site_sstr_negative"):
            return stop("primary_site")
        if site == "pancreas":
            return treat("pnet_sstr_negative", ["everolimus", "sunitinib", "captem"])
        return treat("ginet_sstr_negative", ["everolimus"])
    path.append("sstr_positive")
    if failed:
        if not site_node("site_after_progression"):
            return stop("primary_site")
        if site == "pancreas":
            return treat("pnet_after_progression",
                         ["everolimus", "sunitinib", "captem", "prrt_lu177"])
        return treat("ginet_after_progression", ["everolimus", "prrt_lu177"])
    path.append("behaviour")
    for f in ("hepatic_burden", "bulk_symptoms", "pace"):
        if c.get(f) is None:
            warns.append(f"unknown:{f}")
    aggressive = (k is not None and k >= 10) or c.get("hepatic_burden") == "gt50" or \
        c.get("bulk_symptoms") is True or c.get("pace") == "rapid_progression"
    if not aggressive:
        return treat("ssa_first_line", ["lanreotide", "octreotide_lar"])
    if not site_node("site_active_first_line"):
        return stop("primary_site")
    if site == "pancreas":
        return treat("pnet_active_first_line", ["captem", "everolimus", "sunitinib"])
    return treat("ginet_active_first_line", ["lanreotide", "octreotide_lar", "everolimus"])
