"""The case fields of case-fields.md: keys, value sets, ranges and labels (English, Korean).

This module is the one place that says what a case may hold; validation, the store schema,
the forms and the pathway loader all read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import tr

Labels = dict[str, str]  # language code -> text


@dataclass(frozen=True)
class FieldSpec:
    """One case field: its kind, its allowed values or range, and its labels."""

    key: str
    kind: str  # "text", "enum", "int", "number", "bool", "date", "enum_list"
    label: Labels
    section: str
    values: tuple[str, ...] = ()
    value_labels: dict[str, Labels] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    unit: str = ""
    help: Labels = field(default_factory=dict)


def _vl(**pairs: tuple[str, str]) -> dict[str, Labels]:
    return {k: {"en": en, "ko": ko} for k, (en, ko) in pairs.items()}


SECTIONS: dict[str, Labels] = {
    "identification": {"en": "Identification", "ko": "식별 정보"},
    "tumour": {"en": "Tumour and pathology", "ko": "종양 및 병리"},
    "imaging": {"en": "SSTR imaging and burden", "ko": "SSTR 영상 및 종양 부담"},
    "patient": {"en": "Comorbidities and function", "ko": "동반 질환 및 기능 상태"},
}

PRIMARY_SITES = _vl(
    pancreas=("Pancreas", "췌장"),
    stomach=("Stomach", "위"),
    duodenum=("Duodenum", "십이지장"),
    jejunum_ileum=("Jejunum / ileum", "공장 / 회장"),
    appendix=("Appendix", "충수"),
    colon=("Colon", "결장"),
    rectum=("Rectum", "직장"),
    unknown_primary=("Unknown primary", "원발 부위 불명"),
)

CASE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("case_code", "text", {"en": "Case code", "ko": "증례 코드"}, "identification",
              max_length=40,
              help={"en": "A local pseudonymous code, not a national ID number.",
                    "ko": "주민등록번호가 아닌 기관 내 가명 코드."}),
    FieldSpec("sex", "enum", {"en": "Sex", "ko": "성별"}, "identification",
              values=("F", "M", "other"),
              value_labels=_vl(F=("Female", "여성"), M=("Male", "남성"), other=("Other", "기타"))),
    FieldSpec("birth_year", "int", {"en": "Birth year", "ko": "출생 연도"}, "identification",
              minimum=1900),
    FieldSpec("diagnosis_date", "date", {"en": "Diagnosis date", "ko": "진단일"}, "identification"),
    FieldSpec("notes", "text", {"en": "Notes", "ko": "메모"}, "identification", max_length=10_000),
    FieldSpec("primary_site", "enum", {"en": "Primary site", "ko": "원발 부위"}, "tumour",
              values=tuple(PRIMARY_SITES), value_labels=PRIMARY_SITES),
    FieldSpec("differentiation", "enum", {"en": "Differentiation", "ko": "분화도"}, "tumour",
              values=("well", "poor", "minen"),
              value_labels=_vl(well=("Well differentiated (NET)", "고분화 (NET)"),
                               poor=("Poorly differentiated (NEC)", "저분화 (NEC)"),
                               minen=("MiNEN", "MiNEN (혼합형)"))),
    FieldSpec("nec_subtype", "enum", {"en": "NEC subtype", "ko": "NEC 아형"}, "tumour",
              values=("small_cell", "large_cell"),
              value_labels=_vl(small_cell=("Small cell", "소세포"),
                               large_cell=("Large cell", "대세포"))),
    FieldSpec("ki67_percent", "number", {"en": "Ki-67", "ko": "Ki-67"}, "tumour",
              minimum=0, maximum=100, unit="%"),
    FieldSpec("ki67_date", "date", {"en": "Ki-67 date", "ko": "Ki-67 측정일"}, "tumour",
              help={"en": "When the Ki-67 was measured (biopsy or resection); never used by "
                          "the walk.",
                    "ko": "Ki-67을 측정한 날짜 (생검 또는 절제); 경로 판단에는 쓰지 않습니다."}),
    FieldSpec("mitoses_per_2mm2", "number", {"en": "Mitoses", "ko": "유사분열"}, "tumour",
              minimum=0, maximum=500, unit="/2 mm²"),
    FieldSpec("functional_syndrome", "enum", {"en": "Functional syndrome", "ko": "기능성 증후군"},
              "tumour",
              values=("none", "carcinoid", "insulinoma", "gastrinoma", "glucagonoma", "vipoma",
                      "other"),
              value_labels=_vl(none=("None", "없음"), carcinoid=("Carcinoid syndrome", "카르시노이드 증후군"),
                               insulinoma=("Insulinoma", "인슐린종"), gastrinoma=("Gastrinoma", "가스트린종"),
                               glucagonoma=("Glucagonoma", "글루카곤종"), vipoma=("VIPoma", "VIP종"),
                               other=("Other", "기타"))),
    FieldSpec("sstr_status", "enum", {"en": "SSTR imaging", "ko": "SSTR 영상"}, "imaging",
              values=("positive", "negative"),
              value_labels=_vl(positive=("Positive", "양성"), negative=("Negative", "음성"))),
    FieldSpec("sstr_imaging_date", "date", {"en": "SSTR imaging date", "ko": "SSTR 영상 촬영일"},
              "imaging",
              help={"en": "Date of the SSTR imaging that gave the SSTR status; never used by the "
                          "walk.",
                    "ko": "SSTR 상태를 정한 SSTR 영상의 촬영일; 경로 판단에는 쓰지 않습니다."}),
    FieldSpec("sstr_heterogeneous", "bool",
              {"en": "Heterogeneous SSTR uptake", "ko": "SSTR 섭취 불균일"}, "imaging"),
    FieldSpec("hepatic_burden", "enum", {"en": "Liver tumour burden", "ko": "간 종양 부담"}, "imaging",
              values=("none", "le25", "26to50", "gt50"),
              value_labels=_vl(none=("None", "없음"), le25=("≤25%", "≤25%"),
                               **{"26to50": ("26–50%", "26–50%")}, gt50=(">50%", ">50%"))),
    FieldSpec("bulk_symptoms", "bool", {"en": "Bulk symptoms", "ko": "종양 부피 증상"}, "imaging"),
    FieldSpec("pace", "enum", {"en": "Pace of disease", "ko": "질병 진행 속도"}, "imaging",
              values=("stable", "slow_progression", "rapid_progression"),
              value_labels=_vl(stable=("Stable", "안정"),
                               slow_progression=("Slow progression", "느린 진행"),
                               rapid_progression=("Rapid progression (≤6 months)", "빠른 진행 (6개월 이내)"))),
    FieldSpec("ecog", "int", {"en": "ECOG performance status", "ko": "ECOG 활동도"}, "patient",
              minimum=0, maximum=4),
    FieldSpec("egfr_ml_min", "number", {"en": "eGFR", "ko": "eGFR"}, "patient",
              minimum=0, maximum=200, unit="mL/min"),
    FieldSpec("comorbidities", "enum_list", {"en": "Comorbidities", "ko": "동반 질환"}, "patient",
              values=("uncontrolled_diabetes", "uncontrolled_hypertension", "heart_failure",
                      "dpd_deficiency"),
              value_labels=_vl(uncontrolled_diabetes=("Uncontrolled diabetes", "조절되지 않는 당뇨"),
                               uncontrolled_hypertension=("Uncontrolled hypertension", "조절되지 않는 고혈압"),
                               heart_failure=("Heart failure", "심부전"),
                               dpd_deficiency=("DPD deficiency", "DPD 결핍"))),
)

REGIMENS = _vl(
    lanreotide=("Lanreotide", "란레오타이드"),
    octreotide_lar=("Octreotide LAR", "옥트레오타이드 LAR"),
    everolimus=("Everolimus", "에베로리무스"),
    sunitinib=("Sunitinib", "수니티닙"),
    captem=("CAPTEM", "CAPTEM"),
    temozolomide=("Temozolomide", "테모졸로마이드"),
    prrt_lu177=("PRRT (177Lu-DOTATATE)", "PRRT (177Lu-DOTATATE)"),
    platinum_etoposide=("Platinum + etoposide", "백금 + 에토포사이드"),
    irinotecan_cisplatin=("Irinotecan + cisplatin", "이리노테칸 + 시스플라틴"),
    folfiri=("FOLFIRI", "FOLFIRI"),
    folfox=("FOLFOX", "FOLFOX"),
    cabozantinib=("Cabozantinib", "카보잔티닙"),
    clinical_trial=("Clinical trial", "임상시험"),
    best_supportive_care=("Best supportive care", "최선의 지지 요법"),
    telotristat=("Telotristat ethyl", "텔로트리스탯"),
    diazoxide=("Diazoxide", "디아족사이드"),
    high_dose_ppi=("High-dose PPI", "고용량 PPI"),
    other=("Other", "기타"),
)

LINE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("regimen", "enum", {"en": "Regimen", "ko": "요법"}, "lines",
              values=tuple(REGIMENS), value_labels=REGIMENS),
    FieldSpec("start_date", "date", {"en": "Start", "ko": "시작일"}, "lines"),
    FieldSpec("end_date", "date", {"en": "End", "ko": "종료일"}, "lines"),
    FieldSpec("outcome", "enum", {"en": "Outcome", "ko": "결과"}, "lines",
              values=("ongoing", "continued_after_progression", "progression", "toxicity",
                      "completed", "other"),
              value_labels=_vl(ongoing=("Ongoing", "투여 중"),
                               continued_after_progression=("Continued after progression",
                                                            "진행 후 지속 투여"),
                               progression=("Progression", "진행"),
                               toxicity=("Toxicity", "독성"), completed=("Completed", "완료"),
                               other=("Other", "기타"))),
    FieldSpec("progression_date", "date", {"en": "Progression date", "ko": "진행일"}, "lines"),
    FieldSpec("best_response", "enum", {"en": "Best response", "ko": "최고 반응"}, "lines",
              values=("CR", "PR", "SD", "PD", "NE"),
              value_labels=_vl(CR=("CR", "CR"), PR=("PR", "PR"), SD=("SD", "SD"), PD=("PD", "PD"),
                               NE=("NE", "NE"))),
    FieldSpec("notes", "text", {"en": "Notes", "ko": "메모"}, "lines", max_length=10_000),
)

REQUIRED_LINE_KEYS = ("regimen", "outcome")

# Groups of regimens and values that the record's own checks and the pathway both name
# (pathway-spec.md, Inputs; case-fields.md, lines). Declared here once; the pathway data file
# refers to them by group name.
REGIMEN_GROUPS: dict[str, tuple[str, ...]] = {
    "ssa": ("lanreotide", "octreotide_lar"),
    "symptom_agent": ("telotristat", "diazoxide", "high_dose_ppi"),
    "fixed_course": ("prrt_lu177", "captem", "platinum_etoposide", "irinotecan_cisplatin",
                     "folfiri", "folfox"),
}
SSA_REGIMENS = REGIMEN_GROUPS["ssa"]
SYMPTOM_AGENTS = REGIMEN_GROUPS["symptom_agent"]
FIXED_COURSES = REGIMEN_GROUPS["fixed_course"]
# Outcomes that say the disease progressed on (or after) the line.
PROGRESSION_OUTCOMES = ("progression", "continued_after_progression")
# Outcomes that leave no end date (the line is still given).
CONTINUING_OUTCOMES = ("ongoing", "continued_after_progression")
# Values of `pace` that document a progression.
PROGRESSING_PACES = ("slow_progression", "rapid_progression")
# Every named group, for the pathway file's conditions (`{"group": NAME}` as a value).
VALUE_GROUPS: dict[str, tuple[str, ...]] = {
    **REGIMEN_GROUPS, "progression_outcome": PROGRESSION_OUTCOMES,
    "continuing_outcome": CONTINUING_OUTCOMES, "progressing_pace": PROGRESSING_PACES,
}

# Keys the store adds to a case; accepted in exchange files and by `evaluate`.
META_KEYS = ("uuid", "revision", "created_at", "updated_at", "who_grade")
# Keys of exchange records beside the case (the tumour board's decisions about it, written by
# export after `lines` when there are any); accepted, and left aside, by `evaluate`.
DECISIONS_KEY = "board_decisions"
EXCHANGE_KEYS = (DECISIONS_KEY,)

FIELDS_BY_KEY: dict[str, FieldSpec] = {f.key: f for f in CASE_FIELDS}
LINE_FIELDS_BY_KEY: dict[str, FieldSpec] = {f.key: f for f in LINE_FIELDS}

# Dated observations: a case field and the date field that says when it was observed.
OBSERVATION_DATES: dict[str, str] = {"ki67_percent": "ki67_date",
                                     "sstr_status": "sstr_imaging_date"}

# Values a derived field can take, for the pathway loader's checks.
WHO_GRADES = ("G1", "G2", "G3", "NEC", "MiNEN")

# The case list's columns, in order: the store sorts by each, the window shows them.
LIST_COLUMNS = ("case_code", "primary_site", "who_grade", "recommendation_node", "updated_at")


def label(spec_labels: Labels, lang: str) -> str:
    """The label in `lang`, falling back to English."""
    return spec_labels.get(lang) or spec_labels["en"]


def value_label(key: str, value: object, lang: str = "en") -> str:
    """A human label for a case field's value ("Unknown" for None)."""
    if value is None:
        return tr("value.unknown", lang)
    spec = FIELDS_BY_KEY.get(key) or LINE_FIELDS_BY_KEY.get(key)
    if spec and isinstance(value, str) and value in spec.value_labels:
        return label(spec.value_labels[value], lang)
    if isinstance(value, bool):
        return tr("value.yes" if value else "value.no", lang)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    unit = spec.unit if spec else ""
    if unit == "%":
        return f"{value}%"
    return f"{value} {unit}".strip()
