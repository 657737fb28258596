"""The application shell's own words (menus, prompts, status bar) in English and Korean.

No clinical text lives here: labels of fields and values come from `case/fields.py`, labels of
nodes from the pathway data file.
"""

from __future__ import annotations

import re

from ...case.fields import FIELDS_BY_KEY, LINE_FIELDS_BY_KEY, label
from ...case.validation import Problem

PHRASES: dict[str, tuple[str, str]] = {
    # menus
    "menu.file": ("&File", "파일(&F)"),
    "menu.edit": ("&Edit", "편집(&E)"),
    "menu.case": ("&Case", "증례(&C)"),
    "menu.view": ("&View", "보기(&V)"),
    "menu.help": ("&Help", "도움말(&H)"),
    "menu.language": ("&Language", "언어(&L)"),
    "act.open_db": ("&Open database…", "데이터베이스 열기(&O)…"),
    "act.backup": ("&Back up database…", "데이터베이스 백업(&B)…"),
    "act.restore": ("&Restore from backup…", "백업에서 복원(&R)…"),
    "act.import": ("&Import cases…", "증례 가져오기(&I)…"),
    "act.export": ("E&xport cases…", "증례 내보내기(&X)…"),
    "act.export_chart": ("Export c&hart…", "차트 내보내기(&H)…"),
    "act.export_report": ("Export case re&port…", "증례 보고서 내보내기(&P)…"),
    "act.print_report": ("Prin&t case report…", "증례 보고서 인쇄(&T)…"),
    "act.quit": ("&Quit", "종료(&Q)"),
    "act.undo": ("&Undo", "실행 취소(&U)"),
    "act.redo": ("&Redo", "다시 실행(&R)"),
    "act.undo_delete": ("Undo &delete", "삭제 취소(&D)"),
    "act.find": ("&Find cases", "증례 찾기(&F)"),
    "act.new": ("&New case", "새 증례(&N)"),
    "act.save": ("&Save", "저장(&S)"),
    "act.duplicate": ("D&uplicate", "복제(&U)"),
    "act.delete": ("&Delete", "삭제(&D)"),
    "act.revert": ("Re&vert changes", "변경 되돌리기(&V)"),
    "act.next": ("Ne&xt case", "다음 증례(&X)"),
    "act.previous": ("&Previous case", "이전 증례(&P)"),
    "act.show_form": ("Case &form", "증례 양식(&F)"),
    "act.show_pathway": ("&Pathway", "치료 경로(&P)"),
    "act.focus_list": ("Case &list", "증례 목록(&L)"),
    "act.about": ("&About GEP-NET Pathway", "GEP-NET Pathway 정보(&A)"),
    "act.data_folder": ("Show &data folder", "데이터 폴더 열기(&D)"),
    "act.load_demo": ("Load de&monstration cases", "예시 증례 불러오기(&M)"),
    "lang.en": ("&English", "&English"),
    "lang.ko": ("한국어(&K)", "한국어(&K)"),
    # layout
    "tab.form": ("Case", "증례"),
    "tab.pathway": ("Pathway", "치료 경로"),
    "placeholder": ("Select a case in the list, or create one with Case > New case (Ctrl+N).",
                    "목록에서 증례를 선택하거나 증례 > 새 증례(Ctrl+N)로 만드십시오."),
    "title.new": ("New case", "새 증례"),
    "toolbar": ("Main toolbar", "기본 도구 모음"),
    # case list
    "col.case_code": ("Code", "코드"),
    "col.primary_site": ("Site", "원발 부위"),
    "col.who_grade": ("Grade", "등급"),
    "col.recommendation_node": ("Recommendation", "권고"),
    "col.updated_at": ("Updated", "수정일"),
    "list.search": ("Search code or notes (Ctrl+F)", "코드 또는 메모 검색 (Ctrl+F)"),
    "list.all_sites": ("All sites", "모든 부위"),
    "list.all_grades": ("All grades", "모든 등급"),
    "list.all_nodes": ("All recommendations", "모든 권고"),
    "list.no_recommendation": ("(needs data)", "(자료 필요)"),
    "list.loading": ("…", "…"),
    "task.close_backup": ("Automatic backup", "자동 백업"),
    "task.close_backup_label": ("Backing up the database before closing…",
                                "닫기 전에 데이터베이스를 백업하는 중…"),
    "list.stale_tip": ("{recommendation}: computed by an older version of the pathway; it is "
                       "being recomputed in the background.",
                       "{recommendation}: 이전 버전의 경로로 계산된 권고입니다. 백그라운드에서 "
                       "다시 계산하고 있습니다."),
    "list.demo_case": ("Fictitious demonstration case", "가상의 예시 증례"),
    "list.filter_site": ("Filter by primary site", "원발 부위로 거르기"),
    "list.filter_grade": ("Filter by WHO grade", "WHO 등급으로 거르기"),
    "list.filter_node": ("Filter by current recommendation", "현재 권고로 거르기"),
    "list.name": ("Cases", "증례"),
    # status bar
    "status.count": ("{n:,} cases", "증례 {n:,}건"),
    "status.count_one": ("1 case", "증례 1건"),
    "status.count_loading": ("Counting cases…", "증례 수 세는 중…"),
    "status.opening": ("Opening the database…", "데이터베이스 여는 중…"),
    "status.data_dir": ("Data: {path}", "데이터: {path}"),
    "status.last_backup": ("Last backup: {when}", "마지막 백업: {when}"),
    "status.no_backup": ("Last backup: none yet", "마지막 백업: 없음"),
    "status.saved": ("Saved.", "저장했습니다."),
    "status.deleted": ("Case deleted.", "증례를 삭제했습니다."),
    "status.undo_delete_button": ("Undo delete", "삭제 취소"),
    "status.restored_case": ("Case restored.", "증례를 복원했습니다."),
    "status.draft_restored": ("Unsaved draft restored; save it with Ctrl+S.",
                              "저장하지 않은 초안을 복원했습니다. Ctrl+S로 저장하십시오."),
    "status.copy_code": ("Give the copy its own case code, then save.",
                         "복제본에 새 증례 코드를 입력한 뒤 저장하십시오."),
    "status.language": ("The language changes at the next start.", "언어는 다음 시작 때 바뀝니다."),
    "status.demo_loaded": ("{n} fictitious demonstration cases loaded (codes DEMO-…).",
                           "가상의 예시 증례 {n}개를 불러왔습니다 (코드 DEMO-…)."),
    "status.demo_present": ("The demonstration cases are already in this database.",
                            "예시 증례가 이미 이 데이터베이스에 있습니다."),
    "status.refreshing": ("Updating recommendations %p%", "권고 갱신 중 %p%"),
    "status.refreshing_tip": ("The pathway data changed: the recommendation shown in the list "
                              "is being recomputed for every case. You can keep working.",
                              "치료 경로 자료가 바뀌어 목록의 권고를 모든 증례에 대해 "
                              "다시 계산하고 있습니다. 계속 작업할 수 있습니다."),
    "status.refreshed": ("Recommendations updated for the current pathway version ({n:,} cases).",
                         "현재 치료 경로 판에 맞게 권고를 갱신했습니다 (증례 {n:,}건)."),
    "status.refresh_failed": ("The recommendations in the list could not be updated ({reason}); "
                              "they are retried at the next start.",
                              "목록의 권고를 갱신하지 못했습니다 ({reason}). 다음 시작 때 다시 "
                              "시도합니다."),
    "status.done": ("{what}: done.", "{what}: 완료."),
    "status.cancelled": ("{what}: cancelled; nothing was changed.",
                         "{what}: 취소했습니다. 아무것도 바뀌지 않았습니다."),
    # chart notes
    "chart.no_case": ("Open or create a case to see the patient's path.",
                      "환자의 경로를 보려면 증례를 열거나 만드십시오."),
    "chart.fix_errors": ("Fix the errors in the form to update the chart: {problem}",
                         "차트를 갱신하려면 양식의 오류를 고치십시오: {problem}"),
    # prompts
    "prompt.unsaved.title": ("Unsaved changes", "저장하지 않은 변경"),
    "prompt.unsaved.text": ("{case} has unsaved changes. Save them?",
                            "{case}에 저장하지 않은 변경이 있습니다. 저장하시겠습니까?"),
    "prompt.drafts.title": ("Restore unsaved work?", "저장하지 않은 작업을 복원할까요?"),
    "prompt.drafts.text": ("The program was closed before {case} was saved. Restore the unsaved "
                           "draft?",
                           "{case}을(를) 저장하기 전에 프로그램이 닫혔습니다. 저장하지 않은 "
                           "초안을 복원하시겠습니까?"),
    "prompt.drafts.more": ("({n} more drafts are kept for later.)", "(초안 {n}개는 나중을 위해 "
                           "보관합니다.)"),
    "prompt.restore_draft": ("Restore", "복원"),
    "prompt.discard_draft": ("Discard", "버리기"),
    "prompt.conflict.title": ("Changed elsewhere", "다른 곳에서 변경됨"),
    "prompt.conflict.text": ("{case} was changed elsewhere (in another window or by an import) "
                             "since you opened it. Reload the stored version and lose your edits, "
                             "or save yours over it?",
                             "{case}은(는) 연 뒤에 다른 곳(다른 창 또는 "
                             "가져오기)에서 변경되었습니다. 저장된 판을 다시 "
                             "불러와 편집을 버리시겠습니까, 아니면 내 편집으로 "
                             "덮어쓰시겠습니까?"),
    "prompt.conflict.reload": ("Reload stored", "저장된 판 불러오기"),
    "prompt.conflict.overwrite": ("Save mine", "내 편집 저장"),
    "prompt.restore_db.title": ("Restore from backup", "백업에서 복원"),
    "prompt.restore_db.text": ("Replace the whole database with the backup {file}? The current "
                               "database is copied aside first.",
                               "데이터베이스 전체를 백업 {file}(으)로 바꾸시겠습니까? 현재 "
                               "데이터베이스는 먼저 따로 복사됩니다."),
    "prompt.demo.title": ("Demonstration cases", "예시 증례"),
    "prompt.demo.load": ("Load them", "불러오기"),
    "prompt.demo.skip": ("No, start empty", "아니요, 빈 상태로 시작"),
    "prompt.delete.title": ("Delete case", "증례 삭제"),
    "prompt.delete.text": ("Delete {case}? You can undo this with Edit > Undo delete.",
                           "{case}을(를) 삭제하시겠습니까? 편집 > 삭제 취소로 되돌릴 수 있습니다."),
    "error.save.title": ("Not saved", "저장하지 않음"),
    "error.save.invalid": ("The case was not saved. {problem}",
                           "증례를 저장하지 않았습니다. {problem}"),
    "error.save.more": (" ({n} more problems are marked in the form.)",
                        " (양식에 문제 {n}개가 더 표시되어 있습니다.)"),
    "error.copy_code": ("Case code: change the code of the copy; it still reads \"{code}\".",
                        "증례 코드: 복제본의 코드를 바꾸십시오. 아직 \"{code}\"입니다."),
    "error.task.title": ("{what} failed", "{what} 실패"),
    "error.demo.title": ("Cannot load the demonstration cases", "예시 증례를 불러올 수 없음"),
    "error.open_db.title": ("Cannot open the database", "데이터베이스를 열 수 없음"),
    # keeping the data safe (issue 9)
    "prompt.replace.text": ("{file} already exists. Replace it?",
                            "{file} 파일이 이미 있습니다. 바꾸시겠습니까?"),
    "prompt.missing_db.title": ("The database is missing", "데이터베이스가 없음"),
    "prompt.missing_db.missing": ("missing", "없습니다"),
    "prompt.missing_db.empty": ("empty (0 bytes)", "비어 있습니다 (0바이트)"),
    "prompt.missing_db.text": ("The database {file} is {state}, but this data folder was used "
                               "before ({evidence}). Nothing was created, so that no data is "
                               "replaced silently.",
                               "데이터베이스 {file}이(가) {state}. 그러나 이 데이터 폴더는 전에 "
                               "사용되었습니다 ({evidence}). 데이터가 모르는 사이에 바뀌지 "
                               "않도록 아무것도 만들지 않았습니다."),
    "prompt.missing_db.backup": (" The newest automatic backup is {file} ({n} cases, {when}); "
                                 "restore it?",
                                 " 가장 최근 자동 백업은 {file}입니다 (증례 {n}건, {when}). "
                                 "복원하시겠습니까?"),
    "prompt.missing_db.no_backup": (" There is no readable automatic backup; restore a backup "
                                    "you made with File > Restore, or start a new, empty "
                                    "database.",
                                    " 읽을 수 있는 자동 백업이 없습니다. 직접 만든 백업을 "
                                    "파일 > 복원으로 복원하거나 새 빈 데이터베이스를 "
                                    "시작하십시오."),
    "prompt.missing_db.restore": ("Restore the newest backup", "최근 백업 복원"),
    "prompt.missing_db.new": ("Start a new, empty database", "새 빈 데이터베이스 시작"),
    "prompt.missing_db.quit": ("Quit", "종료"),
    "banner.damaged": ("The database {file} is damaged ({problem}). It is open read-only: "
                       "nothing can be saved. Restore the newest good backup.",
                       "데이터베이스 {file}이(가) 손상되었습니다 ({problem}). 읽기 전용으로 "
                       "열었으며 아무것도 저장할 수 없습니다. 가장 최근의 정상 백업을 "
                       "복원하십시오."),
    "banner.damaged_backup": ("Restore {file} ({n} cases, {when})",
                              "{file} 복원 (증례 {n}건, {when})"),
    "banner.no_backup": ("No good automatic backup was found; use File > Restore.",
                         "정상 자동 백업이 없습니다. 파일 > 복원을 사용하십시오."),
    "status.backup_failed": ("Automatic backup FAILED: {reason}",
                             "자동 백업 실패: {reason}"),
    "error.backup.title": ("The automatic backup failed", "자동 백업 실패"),
    "error.backup.text": ("The automatic backup could not be written: {reason} Until this is "
                          "fixed, your work has no recent backup.",
                          "자동 백업을 쓰지 못했습니다: {reason} 이 문제를 고칠 때까지 최근 "
                          "백업이 없습니다."),
    "form.unprotected": ("Your edits are NOT protected: the draft could not be written "
                         "({reason}). Save soon (Ctrl+S).",
                         "편집 내용이 보호되지 않습니다: 초안을 쓰지 못했습니다 ({reason}). "
                         "곧 저장하십시오 (Ctrl+S)."),
    "error.log.title": ("No log file", "로그 파일 없음"),
    "error.log.text": ("The log file cannot be written: {reason} The program works, but keeps "
                       "no log.",
                       "로그 파일을 쓸 수 없습니다: {reason} 프로그램은 작동하지만 로그를 "
                       "남기지 않습니다."),
    "status.no_log": ("No log file (it cannot be written)", "로그 파일 없음 (쓸 수 없음)"),
    "task.import": ("Import", "가져오기"),
    "task.export": ("Export", "내보내기"),
    "task.backup": ("Backup", "백업"),
    "task.restore": ("Restore", "복원"),
    "task.cancel": ("Cancel", "취소"),
    "task.working": ("{what}: working…", "{what}: 작업 중…"),
    "import.report": ("Imported {created} new and {updated} updated cases; {skipped} skipped.",
                      "새 증례 {created}건, 갱신 {updated}건을 가져왔습니다. {skipped}건 건너뜀."),
    "dialog.filter_db": ("Databases (*.db *.sqlite);;All files (*)",
                         "데이터베이스 (*.db *.sqlite);;모든 파일 (*)"),
    "dialog.filter_exchange": ("JSON (*.json);;CSV (*.csv)", "JSON (*.json);;CSV (*.csv)"),
    "dialog.filter_chart": ("SVG (*.svg);;PNG (*.png);;PDF (*.pdf)",
                            "SVG (*.svg);;PNG (*.png);;PDF (*.pdf)"),
    "dialog.filter_report": ("PDF (*.pdf);;HTML (*.html)", "PDF (*.pdf);;HTML (*.html)"),
    # about
    "about.title": ("About GEP-NET Pathway", "GEP-NET Pathway 정보"),
    "about.version": ("Version", "버전"),
    "about.pathway": ("Pathway", "치료 경로"),
    "about.database": ("Database", "데이터베이스"),
    "about.data_dir": ("Data folder", "데이터 폴더"),
    "about.log_file": ("Log file", "로그 파일"),
    # error dialog
    "crash.title": ("Unexpected error", "예기치 않은 오류"),
    "crash.text": ("GEP-NET Pathway met an unexpected error. The program keeps running and the "
                   "case you are editing is kept as a draft. Please send the details below to "
                   "your IT contact; they are also in the log file:",
                   "GEP-NET Pathway에서 예기치 않은 오류가 발생했습니다. 프로그램은 계속 실행되며 "
                   "편집 중인 증례는 초안으로 보관됩니다. 아래 세부 정보를 IT 담당자에게 보내 "
                   "주십시오. 로그 파일에도 있습니다:"),
    "crash.copy": ("&Copy details", "세부 정보 복사(&C)"),
    "crash.copied": ("Copied.", "복사했습니다."),
    "crash.close": ("Close", "닫기"),
    "field.line": ("Line {n}", "{n}번째 치료"),
    "field.lines": ("Lines of therapy", "치료 라인"),
    # the clinician's name for the audit trail (setting ask_clinician)
    "clinician.title": ("Who is working?", "사용자 확인"),
    "clinician.label": ("Your name, recorded with every change you make (beside the computer "
                        "account {account}):",
                        "변경할 때마다 기록될 이름 (컴퓨터 계정 {account}과 함께):"),
}

_LINE_PATH = re.compile(r"^lines\[(\d+)\](?:\.(\w+))?$")


def tr(key: str, lang: str = "en", **values: object) -> str:
    """The phrase `key` in `lang` (English when missing), formatted with `values`."""
    en, ko = PHRASES[key]
    text = ko if lang == "ko" else en
    return text.format(**values) if values else text


def plain(text: str) -> str:
    """A menu text without its mnemonic marker."""
    return re.sub(r"\(&\w\)", "", text).replace("&", "").rstrip("…").strip()


def field_name(path: str, lang: str = "en") -> str:
    """A human name for a field key or a line path ("lines[2].end_date" -> "Line 2, End")."""
    spec = FIELDS_BY_KEY.get(path)
    if spec:
        return label(spec.label, lang)
    match = _LINE_PATH.match(path)
    if match:
        where = tr("field.line", lang, n=int(match.group(1)))
        sub = LINE_FIELDS_BY_KEY.get(match.group(2) or "")
        return f"{where}, {label(sub.label, lang)}" if sub else where
    if path == "lines":
        return tr("field.lines", lang)
    return path


def problem_sentence(problem: Problem, lang: str = "en") -> str:
    """One validation problem as a sentence that names the field, in the form's words and
    language: "Ki-67: 150 is out of range; allowed: ..., or empty for unknown"."""
    from .problem_style import display_message

    name = field_name(problem.field, lang)
    text = display_message(problem, name, lang)
    return text if problem.needs_field_name else f"{name}: {text}"
