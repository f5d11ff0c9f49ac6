import pytest
from openpyxl import load_workbook

import desktop_app.appraisal.results as res
from desktop_app import domain
from desktop_app.appraisal import council, decision, scoring, workbook
from desktop_app.appraisal import criteria as crit
from desktop_app.errors import AppError, ValidationError
from desktop_app.services import catalogues
from desktop_app.services.models import ModelInput, create_model
from desktop_app.storage.models import AuditLog, MoHinh


@pytest.fixture
def year_setup(db):
    from desktop_app.demo import DEMO_OFFICE
    from desktop_app.services import settings

    settings.save_office(DEMO_OFFICE)  # a decision is issued in the name of the office
    field = catalogues.find("field", "Kinh tế").id
    models = [
        create_model(ModelInput(name=f"Mô hình {i}", year=2024, field_id=field), status=domain.PROPOSED)
        for i in range(3)
    ]
    members = [council.add_member(2024, f"Thành viên {i}") for i in range(5)]
    criteria = crit.criteria_set_for(2024, domain.KIND_COLLECTIVE).criteria
    return models, members, criteria


def score_all(model_id, member_id, criteria, share):
    scoring.save_sheet(2024, member_id, model_id, {c.id: round(c.max_points * share * 2) / 2 for c in criteria})


def test_default_set_is_labelled_and_sums_to_100(db):
    s = crit.criteria_set_for(2024, domain.KIND_COLLECTIVE)
    assert "mặc định — có thể sửa" in s.name and s.total_max == 100 and s.is_default
    assert crit.criteria_set_for(2024, domain.KIND_INDIVIDUAL).total_max == 100


def test_a_wrong_cell_saves_nothing(year_setup):
    models, members, criteria = year_setup
    values = {c.id: 5 for c in criteria}
    values[criteria[0].id] = "99"
    with pytest.raises(ValidationError, match="vượt quá điểm tối đa"):
        scoring.save_sheet(2024, members[0], models[0], values)
    assert all(v is None for v in scoring.sheet(2024, members[0], models[0]).values())


def test_conflicted_member_is_excluded_and_mean_by_hand(year_setup):
    models, members, criteria = year_setup
    for member, share in zip(members, (0.9, 0.8, 0.7, 0.6, 0.1)):
        score_all(models[0], member, criteria, share)
    council.declare_conflict(members[4], models[0], "Là thành viên của đơn vị")
    result = next(r for r in res.compute_results(2024) if r.model_id == models[0])
    assert result.members == 4
    assert result.mean == pytest.approx((90 + 80 + 70 + 60) / 4)
    assert [s.excluded for s in result.scores] == [False] * 4 + [True]
    assert result.grade == "Đạt" and result.recognised and result.spread == 30


def test_trimmed_mean_when_the_set_says_so(year_setup):
    models, members, criteria = year_setup
    for member, share in zip(members, (1.0, 0.8, 0.8, 0.8, 0.2)):
        score_all(models[0], member, criteria, share)
    set_id = crit.criteria_set_for(2024, domain.KIND_COLLECTIVE).id
    with pytest.raises(crit.ScoresExistError):
        crit.update_set(set_id, trim_extremes=True)
    crit.update_set(set_id, trim_extremes=True, force=True)
    result = next(r for r in res.compute_results(2024) if r.model_id == models[0])
    assert result.trimmed and result.mean == 80
    assert AuditLog.select().where(AuditLog.action == "criteria.changed_after_scoring").count() == 1


def test_ranks_ties_and_override_with_reason(year_setup):
    models, members, criteria = year_setup
    for model, share in zip(models, (0.9, 0.9, 0.5)):
        for member in members:
            score_all(model, member, criteria, share)
    ranked = {r.model_id: r for r in res.compute_results(2024)}
    assert [ranked[m].rank for m in models] == [1, 1, 3]
    assert not ranked[models[2]].recognised
    with pytest.raises(ValidationError, match="lý do"):
        res.set_override(models[2], recognised=True, reason="")
    res.set_override(models[2], recognised=True, reason="Mô hình có ý nghĩa đặc biệt ở vùng đồng bào")
    overridden = next(r for r in res.compute_results(2024) if r.model_id == models[2])
    assert overridden.recognised and overridden.override_reason.startswith("Mô hình có ý nghĩa")


def test_second_keying_highlights_differences(year_setup):
    models, members, criteria = year_setup
    score_all(models[0], members[0], criteria, 0.8)
    retyped = scoring.sheet(2024, members[0], models[0])
    retyped[criteria[2].id] = retyped[criteria[2].id] - 1
    scoring.save_sheet(2024, members[0], models[0], retyped, keying=2)
    assert scoring.compare_keyings(2024, members[0], models[0]) == [criteria[2].id]


def test_decision_changes_statuses_freezes_and_unlocks(year_setup):
    models, members, criteria = year_setup
    for model, share in zip(models, (0.9, 0.8, 0.5)):
        for member in members:
            score_all(model, member, criteria, share)
    assert scoring.progress(2024) == (15, 15)
    info = decision.issue_decision(2024, "125", "15/10/2024", issuing_body="BAN THƯỜNG VỤ HUYỆN ỦY")
    assert [MoHinh.get_by_id(m).status for m in models] == [domain.RECOGNISED, domain.RECOGNISED, domain.NOT_RECOGNISED]
    assert info.locked and len(info.results) == 3
    frozen = [(r.model_id, r.mean) for r in res.results(2024)]
    with pytest.raises(AppError, match="đã được chốt"):
        score_all(models[2], members[0], criteria, 1.0)
    # Changing the criteria after the decision does not change the frozen list.
    set_id = crit.criteria_set_for(2024, domain.KIND_COLLECTIVE).id
    crit.update_set(set_id, trim_extremes=True, force=True)
    assert [(r.model_id, r.mean) for r in res.results(2024)] == frozen
    with pytest.raises(ValidationError):
        decision.unlock_decision(2024, "")
    decision.unlock_decision(2024, "Sửa điểm nhập nhầm của thành viên 1")
    assert AuditLog.select().where(AuditLog.action == "decision.unlocked").count() == 1
    score_all(models[2], members[0], criteria, 1.0)


def test_workbook_round_trip_and_refused_cells(year_setup, tmp_path):
    models, members, criteria = year_setup
    path = workbook.export_workbook(2024, tmp_path / "bảng chấm.xlsx")
    book = load_workbook(path)
    sheets = [s for s in book.sheetnames if s != workbook.META]
    assert len(sheets) == 5 and book[workbook.META].sheet_state == "hidden"
    first, second = book[sheets[0]], book[sheets[1]]
    for row in range(workbook.FIRST_ROW, workbook.FIRST_ROW + 3):
        for offset, c in enumerate(criteria):
            first.cell(row, workbook.FIRST_CRITERION_COL + offset, c.max_points - 1)
            second.cell(row, workbook.FIRST_CRITERION_COL + offset, c.max_points / 2)
    second.cell(workbook.FIRST_ROW + 1, workbook.FIRST_CRITERION_COL + 1, 99)
    second.cell(workbook.FIRST_ROW + 2, workbook.FIRST_CRITERION_COL, "abc")
    book.save(path)

    report = workbook.import_workbook(path)
    assert [(r.sheet, r.row, r.column.split()[0]) for r in report.refused] == [(sheets[1], 7, "F"), (sheets[1], 8, "E")]
    assert "vượt quá" in report.refused[0].message and "không phải là số" in report.refused[1].message
    assert report.saved_sheets == [] and all(v is None for v in scoring.sheet(2024, members[0], models[0]).values())

    kept = workbook.import_workbook(path, keep_valid_sheets=True)
    assert kept.saved_sheets == [sheets[0]]
    assert scoring.sheet(2024, members[0], models[0])[criteria[0].id] == criteria[0].max_points - 1


def test_workbook_with_an_edited_meta_sheet_is_refused_not_a_crash(year_setup, tmp_path):
    path = workbook.export_workbook(2024, tmp_path / "bảng chấm.xlsx")
    book = load_workbook(path)
    book[workbook.META].cell(2, 4, "hai nghìn")  # the year of the first member's sheet
    book.save(path)
    report = workbook.import_workbook(path)
    assert [(r.sheet, r.row) for r in report.refused] == [(book[workbook.META].cell(2, 1).value, 1)]
    assert "đã bị sửa" in report.refused[0].message and report.saved_sheets == []


def test_workbook_refuses_a_foreign_file(db, tmp_path):
    bad = tmp_path / "khác.xlsx"
    from openpyxl import Workbook

    Workbook().save(bad)
    with pytest.raises(AppError, match="không phải bảng chấm điểm"):
        workbook.import_workbook(bad)
    text = tmp_path / "x.xlsx"
    text.write_text("hello")
    with pytest.raises(AppError, match="không đọc được"):
        workbook.import_workbook(text)


def test_copy_sets_to_a_new_year(db):
    s = crit.criteria_set_for(2024, domain.KIND_COLLECTIVE)
    crit.add_criterion(s.id, "Ứng dụng chuyển đổi số", 5)
    assert crit.copy_sets_to_year(2024, 2025) == 2
    assert len(crit.criteria_set_for(2025, domain.KIND_COLLECTIVE).criteria) == 7


def test_demo_has_a_council_and_every_sheet(demo_db):
    from desktop_app.appraisal.demo import load_demo_appraisal

    assert len(council.council_members(2023)) == 5
    assert scoring.progress(2023) == (170, 170)  # 32 collective models and 2 individuals, 5 members
    load_demo_appraisal(2023)
    assert len(council.council_members(2023)) == 5
    items = res.results(2023)
    assert sum(r.recognised for r in items) == 32 and len(items) == 34


# --- ranks per kind, decision reference, deleted models, criteria totals, the decision lock


def individual_models(count: int) -> list[int]:
    field = catalogues.find("field", "Kinh tế").id
    return [
        create_model(
            ModelInput(
                name=f"Điển hình {i}",
                year=2024,
                field_id=field,
                kind=domain.KIND_INDIVIDUAL,
                person_name=f"Nguyễn Văn {chr(65 + i)}",
            ),
            status=domain.PROPOSED,
        )
        for i in range(count)
    ]


def score_individual(model_id, member_id, share):
    criteria = crit.criteria_set_for(2024, domain.KIND_INDIVIDUAL).criteria
    scoring.save_sheet(2024, member_id, model_id, {c.id: round(c.max_points * share * 2) / 2 for c in criteria})


def test_ranks_are_counted_within_each_kind_with_ties(year_setup):
    models, members, criteria = year_setup
    people = individual_models(3)
    for model, share in zip(models, (0.9, 0.7, 0.9)):
        for member in members:
            score_all(model, member, criteria, share)
    for person, share in zip(people, (0.6, 0.8, 0.8)):
        for member in members:
            score_individual(person, member, share)
    ranked = {r.model_id: r for r in res.compute_results(2024)}
    # Collective 90, 70, 90 → 1, 3, 1; individual 60, 80, 80 → 3, 1, 1: each kind has its own "1".
    assert [ranked[m].rank for m in models] == [1, 3, 1]
    assert [ranked[p].rank for p in people] == [3, 1, 1]
    sections = res.by_kind(res.results(2024))
    assert [kind for kind, _ in sections] == [domain.KIND_COLLECTIVE, domain.KIND_INDIVIDUAL]
    assert [[r.rank for r in items] for _, items in sections] == [[1, 1, 3], [1, 1, 3]]
    assert {r.kind for r in sections[1][1]} == {domain.KIND_INDIVIDUAL}
    assert res.kind_title(domain.KIND_INDIVIDUAL) == "Điển hình cá nhân"
    as_json = ranked[people[0]].to_json()
    assert as_json["kind"] == domain.KIND_INDIVIDUAL and as_json["kind_label"] == "Cá nhân" and as_json["rank"] == 3


def test_results_read_criteria_once_per_kind(year_setup, monkeypatch):
    individual_models(2)
    calls = []
    real = res.criteria_set_for
    monkeypatch.setattr(res, "criteria_set_for", lambda *a: calls.append(a[:2]) or real(*a))
    assert len(res.compute_results(2024)) == 5
    assert sorted(calls) == [(2024, domain.KIND_INDIVIDUAL), (2024, domain.KIND_COLLECTIVE)]


@pytest.mark.parametrize(
    "style, symbol, typed, expected",
    [
        ("dang", "HU", "125", "125-QĐ/HU"),
        ("dang", "HU", "125-QĐ/HU", "125-QĐ/HU"),
        ("dang", "HU", "Số 125-QĐ/HU", "125-QĐ/HU"),
        ("nha_nuoc", "UBND", "125", "125/QĐ-UBND"),
        ("nha_nuoc", "UBND", "Số: 125/QĐ-UBND", "125/QĐ-UBND"),
        ("nha_nuoc", "", " 7 ", "7/QĐ-UBND"),
    ],
)
def test_decision_reference_adds_the_symbol_once(style, symbol, typed, expected):
    from desktop_app.office import OfficeInfo, decision_reference, format_reference

    assert format_reference(typed, style == "dang", symbol) == expected
    office = OfficeInfo.single(style, issuing_body="CƠ QUAN", symbol=symbol)
    assert decision_reference(typed, office) == office.issuer().reference(typed) == expected
    assert office.issuer().number_line("QĐ", typed) == ("Số " if style == "dang" else "Số: ") + expected


def test_decision_is_cited_with_its_symbol_everywhere(year_setup):
    from desktop_app.documents.data import decision_line
    from desktop_app.office import Identity
    from desktop_app.services import settings

    office = settings.get_office()
    office.document_style = "dang"
    office.identities["dang"] = Identity(issuing_body="BAN THƯỜNG VỤ HUYỆN ỦY", symbol="HU")
    office.identities["nha_nuoc"] = Identity(issuing_body="ỦY BAN NHÂN DÂN HUYỆN", symbol="UBND")
    settings.set_value(settings.OFFICE_KEY, office.to_dict())
    models, members, criteria = year_setup
    for member in members:
        score_all(models[0], member, criteria, 0.9)
    info = decision.issue_decision(2024, "125", "15/10/2024")
    assert info.number == "125-QĐ/HU"
    assert [h.reason for h in MoHinh.get_by_id(models[0]).status_history][-1] == "Quyết định số 125-QĐ/HU"
    assert decision_line(2024, office.issuer()).startswith("(Kèm theo Quyết định số 125-QĐ/HU, ngày 15/10/2024")
    with pytest.raises(AppError, match="Quyết định số 125-QĐ/HU đang khóa"):
        decision.issue_decision(2024, "125", "15/10/2024")
    # A symbol typed by the clerk is kept as typed, never doubled.
    decision.unlock_decision(2024, "Ký lại với số mới")
    assert decision.issue_decision(2024, "126-QĐ/HU", "16/10/2024").number == "126-QĐ/HU"
    # Issued by the office's other identity, the decision takes that identity's symbol and body.
    decision.unlock_decision(2024, "Ủy ban nhân dân ban hành")
    state = decision.issue_decision(2024, "127", "17/10/2024", style="nha_nuoc")
    assert state.number == "127/QĐ-UBND" and state.issuing_body == "ỦY BAN NHÂN DÂN HUYỆN"


def test_a_model_deleted_after_the_decision_is_not_counted(year_setup):
    from desktop_app.services.models import delete_models

    models, members, criteria = year_setup
    for model in models:
        for member in members:
            score_all(model, member, criteria, 0.9)
    decision.issue_decision(2024, "125", "15/10/2024")
    assert len(res.results(2024)) == 3
    with pytest.raises(AppError, match="mở khóa quyết định"):  # recognised in a locked decision: refused first
        delete_models([models[1]])
    decision.unlock_decision(2024, "Mô hình đăng ký trùng")
    delete_models([models[1]])
    assert [r.model_id for r in res.results(2024)] == [models[0], models[2]]
    info = decision.decision_for(2024)
    assert sum(r.recognised for r in info.results) == 2 and models[1] not in {r.model_id for r in info.results}


def test_criteria_total_other_than_100_is_reported(db):
    s = crit.criteria_set_for(2024, domain.KIND_COLLECTIVE)
    assert crit.set_total_problem(s) is None and decision.criteria_warnings(2024) == []
    crit.add_criterion(s.id, "Ứng dụng chuyển đổi số", 5)
    changed = crit.get_set(s.id)
    problem = crit.set_total_problem(changed)
    assert problem is not None and "105" in problem and "100" in problem and changed.name in problem
    assert decision.criteria_warnings(2024) == [problem]


def test_thresholds_are_checked_before_saving():
    from desktop_app.appraisal.aggregate import GradeThreshold as T
    from desktop_app.appraisal.aggregate import check_thresholds

    good = [T(" Xuất sắc ", 92), T("Tốt", 80), T("Đạt", 60), T("Không đạt", 0)]
    assert check_thresholds(good, 100)[0] == T("Xuất sắc", 92.0)
    for wrong, reason in (
        ([T("Tốt", 80), T("Xuất sắc", 90)], "giảm dần"),
        ([T("Xuất sắc", 80), T("Tốt", 80)], "giảm dần"),
        ([T("Xuất sắc", 105), T("Đạt", 0)], "từ 0 đến 100"),
        ([T("Đạt", 90), T("đạt", 50)], "trùng tên"),
        ([T("", 90)], "không được để trống"),
    ):
        with pytest.raises(ValueError, match=reason):
            check_thresholds(wrong, 100)


def test_results_cannot_change_once_the_decision_is_locked(year_setup):
    models, members, criteria = year_setup
    for member in members:
        score_all(models[0], member, criteria, 0.5)
    res.set_override(models[0], recognised=True, reason="Vùng đặc biệt khó khăn")
    decision.issue_decision(2024, "125", "15/10/2024")
    with pytest.raises(AppError, match="đã được chốt"):
        res.clear_override(models[0])
    with pytest.raises(AppError, match="đã được chốt"):
        council.remove_member(members[0])
    assert len(council.council_members(2024)) == 5
    decision.unlock_decision(2024, "Hội đồng họp lại")
    res.clear_override(models[0])
    assert not next(r for r in res.compute_results(2024) if r.model_id == models[0]).recognised
