"""Words of the chart, node panel and report chrome, in English and Korean (no clinical text)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "kind.start": "Start", "kind.decision": "Decision", "kind.group": "Group",
        "kind.treatment": "Treatment", "kind.action": "Action",
        "legend": "Legend", "legend.path": "Patient's path", "legend.other": "Other route",
        "legend.exhausted": "Dashed: every option used", "legend.rec": "Recommendation",
        "legend.stop": "Data needed", "legend.provenance": "Source of each box",
        "legend.newer": "Newer evidence (after the paper)",
        "tag.rec": "Recommendation", "tag.stop": "Data needed", "tag.newer": "Newer evidence",
        "zoom_in": "Zoom in", "zoom_out": "Zoom out", "fit": "Fit to window",
        "actual": "100%", "newer": "Show newer evidence", "export": "Export chart…",
        "export.title": "Export chart", "export.filter": "SVG image (*.svg);;PNG image (*.png);;"
                                                         "PDF document (*.pdf)",
        "export.done": "Chart written to {path}", "export.failed": "The chart was not exported",
        "no_case": "No case selected: the chart shows the whole pathway.",
        "status.rec": "Recommendation: {node}",
        "status.stop": "The walk stopped at “{node}”: data needed:",
        "warnings": "Warnings", "why": "Why, for this patient", "question": "Question",
        "options": "Options for this patient",
        "options.node": "Options at this step (as published)",
        "dose": "Typical dose (as published)", "cautions": "Cautions",
        "access": "Korean access (as of {date})", "citations": "Citations",
        "symptom": "Symptom control (functional syndrome)", "current": "Current regimen",
        "none": "none", "missing": "Data needed to go on",
        "missing.hint": "Click a field to go to it in the form.",
        "on_path": "On this patient's path.", "off_path": "Off this patient's path.",
        "is_rec": "The recommendation for this patient.",
        "is_stop": "The walk stopped here for missing data.",
        "no_eval": "No evaluation for this case.", "path": "Patient's path",
        "select_hint": "Click a box on the chart (or press N / P) to see its details.",
        "newer_note": "After the paper; shown for information, it does not change the "
                      "recommendation.",
        "provenance": "Source", "recommendation": "Recommendation", "stopped": "Stopped",
        "report.title": "Tumour board summary", "report.case": "Case",
        "report.lines": "Lines of therapy", "report.no_lines": "No line of therapy recorded.",
        "report.summary": "Evaluation", "report.chart": "Pathway chart",
        "report.printed": "Printed", "report.app": "Application", "report.pathway": "Pathway",
        "report.grade": "WHO grade", "report.status": "Status",
        "report.no_options": "No option: the walk stopped for missing data.",
        "report.footer": "Decision support only: the treating clinician decides.",
        "chart.for": "Case {code}",
    },
    "ko": {
        "kind.start": "시작", "kind.decision": "판단", "kind.group": "분류",
        "kind.treatment": "치료", "kind.action": "조치",
        "legend": "범례", "legend.path": "환자의 경로", "legend.other": "다른 경로",
        "legend.exhausted": "점선: 모든 치료 사용", "legend.rec": "권고",
        "legend.stop": "자료 필요", "legend.provenance": "각 상자의 출처",
        "legend.newer": "최신 근거 (논문 이후)",
        "tag.rec": "권고", "tag.stop": "자료 필요", "tag.newer": "최신 근거",
        "zoom_in": "확대", "zoom_out": "축소", "fit": "창에 맞춤", "actual": "100%",
        "newer": "최신 근거 표시", "export": "차트 내보내기…",
        "export.title": "차트 내보내기", "export.filter": "SVG 이미지 (*.svg);;PNG 이미지 (*.png);;"
                                                        "PDF 문서 (*.pdf)",
        "export.done": "차트를 저장했습니다: {path}",
        "export.failed": "차트를 내보내지 못했습니다",
        "no_case": "선택된 증례 없음: 전체 경로를 표시합니다.",
        "status.rec": "권고: {node}",
        "status.stop": "“{node}”에서 중단: 필요한 자료:",
        "warnings": "경고", "why": "이 환자에서의 근거", "question": "질문",
        "options": "이 환자의 치료 선택지", "options.node": "이 단계의 치료 (발표된 대로)",
        "dose": "일반 용량 (발표된 대로)", "cautions": "주의",
        "access": "국내 허가·급여 ({date} 기준)", "citations": "참고 문헌",
        "symptom": "증상 조절 (기능성 증후군)", "current": "현재 요법",
        "none": "없음", "missing": "진행에 필요한 자료",
        "missing.hint": "항목을 누르면 입력 양식의 해당 칸으로 이동합니다.",
        "on_path": "이 환자의 경로에 있습니다.", "off_path": "이 환자의 경로 밖입니다.",
        "is_rec": "이 환자에 대한 권고입니다.",
        "is_stop": "자료가 없어 여기에서 중단되었습니다.",
        "no_eval": "이 증례에 대한 평가 없음.", "path": "환자의 경로",
        "select_hint": "차트의 상자를 누르면 (또는 N / P 키) 자세한 내용을 봅니다.",
        "newer_note": "논문 이후의 근거; 참고용이며 권고를 바꾸지 않습니다.",
        "provenance": "출처", "recommendation": "권고", "stopped": "중단",
        "report.title": "종양 협진 요약", "report.case": "증례",
        "report.lines": "치료 이력", "report.no_lines": "기록된 치료 없음.",
        "report.summary": "평가", "report.chart": "치료 경로 차트",
        "report.printed": "출력일", "report.app": "프로그램", "report.pathway": "경로",
        "report.grade": "WHO 등급", "report.status": "상태",
        "report.no_options": "치료 선택지 없음: 자료가 없어 중단되었습니다.",
        "report.footer": "의사 결정 보조 도구일 뿐이며, 최종 결정은 담당 의사가 합니다.",
        "chart.for": "증례 {code}",
    },
}


def tr(key: str, lang: str = "en", **values: object) -> str:
    """The chrome text `key` in `lang` (English as fallback), with `values` filled in."""
    table = STRINGS.get(lang, STRINGS["en"])
    raw = table.get(key) or STRINGS["en"][key]
    return raw.format(**values) if values else raw
