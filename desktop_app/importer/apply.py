"""Writing a planned import: all its rows in one transaction, or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

from ..errors import AppError, ValidationError
from ..history import record
from ..services.models import bulk_writes, create_model, models_fingerprint
from ..services.units import create_unit, find_unit
from ..tasks import TaskState
from ..text import fold
from .layout import remember
from .plan import ImportPlan, PlannedRow, Problem


class StalePlan(AppError):
    """The preview no longer says what applying it would do."""


# Previews applied in this process, by id: a copy of an applied plan is refused as well as the plan itself.
_applied: set[str] = set()


def _refuse_stale(plan: ImportPlan) -> None:
    """Inside the write transaction, so nothing can change between this check and the rows written."""
    if plan.applied or plan.plan_id in _applied:
        raise StalePlan(
            "Bản xem trước đã cũ: các dòng của nó đã được nhập rồi, nhập lần nữa sẽ thành trùng lặp; hãy xem trước lại."
        )
    if plan.fingerprint is not None and models_fingerprint() != plan.fingerprint:
        raise StalePlan(
            "Bản xem trước đã cũ: danh sách mô hình, điển hình đã thay đổi sau lúc xem trước (có người vừa "
            "thêm, sửa hoặc nhập), nên việc kiểm tra trùng không còn đúng; hãy xem trước lại."
        )


@dataclass
class ImportResult:
    imported: int
    created_units: list[str]
    left_out: list[Problem] = dc_field(default_factory=list)  # rows whose new unit the user chose not to create
    model_ids: list[int] = dc_field(default_factory=list)


def apply_plan(
    plan: ImportPlan, *, create_units: list[str] | None = None, task: TaskState | None = None, dry_run: bool = False
) -> ImportResult:
    """Import the plan's valid rows.  ``create_units``: names of unknown units to create (None = all).

    Any error or a cancel rolls the whole import back; the database is then exactly as before.
    """
    wanted = {fold(n) for n in (plan.unknown_units() if create_units is None else create_units)}
    rows = [r for r in plan.importable if not r.new_unit or fold(r.unit) in wanted]
    left_out = [
        Problem(
            r.sheet,
            r.row,
            "",
            f"Đơn vị «{r.unit}» chưa có trong danh mục và không được chọn tạo mới; dòng này không nhập.",
        )
        for r in plan.importable
        if r.new_unit and fold(r.unit) not in wanted
    ]
    if dry_run:
        return ImportResult(len(rows), sorted({r.unit for r in rows if r.new_unit}), left_out)
    created: dict[str, int] = {}
    ids: list[int] = []
    label = f"Nhập {len(rows)} mô hình, điển hình từ tệp «{plan.path.name}»"
    # An exception or Cancelled leaving this block rolls everything back, history included.
    with record.batch(label, action="import", undoable=True), bulk_writes():
        _refuse_stale(plan)
        for index, row in enumerate(rows, start=1):
            unit_id = row.unit_id
            if row.new_unit:
                key = fold(row.unit)
                if key not in created:
                    existing = find_unit(row.unit)
                    created[key] = existing.id if existing else create_unit(row.unit).id
                unit_id = created[key]
            ids.append(_create(row, unit_id))
            if task:
                task.progress(index, len(rows), row.name)
        # Inside the same transaction: a failure remembering the layout (a full disk) must not report an
        # import that has in fact been written, nor may a rolled-back import leave its layout remembered.
        for sheet in plan.sheets:
            remember(sheet.signature, sheet.mapping)
    plan.applied = True  # committed: the same preview never goes in twice
    _applied.add(plan.plan_id)
    names = {fold(r.unit): r.unit for r in rows if r.new_unit}
    return ImportResult(len(ids), [names[k] for k in created if k in names], left_out, ids)


def _create(row: PlannedRow, unit_id: int | None) -> int:
    data = row.model_input(unit_id)
    try:
        return create_model(data)
    except ValidationError as exc:
        raise AppError(
            f"Trang «{row.sheet}», dòng {row.row}: {exc}. Chưa nhập dòng nào; hãy sửa tệp rồi nhập lại."
        ) from exc
