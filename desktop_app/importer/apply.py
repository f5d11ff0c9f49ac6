"""Writing a planned import: all its rows in one transaction, or nothing."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from dataclasses import field as dc_field

from ..errors import AppError, ValidationError
from ..history import record
from ..services.models import NewModel, bulk_writes, check_new_model, create_models, models_fingerprint
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
    unit_key = functools.cache(fold)  # units repeat over thousands of rows; folding is not free
    wanted = {unit_key(n) for n in (plan.unknown_units() if create_units is None else create_units)}
    rows = [r for r in plan.importable if not r.new_unit or unit_key(r.unit) in wanted]
    left_out = [
        Problem(
            r.sheet,
            r.row,
            "",
            f"Đơn vị «{r.unit}» chưa có trong danh mục và không được chọn tạo mới; dòng này không nhập.",
        )
        for r in plan.importable
        if r.new_unit and unit_key(r.unit) not in wanted
    ]
    if dry_run:
        return ImportResult(len(rows), sorted({r.unit for r in rows if r.new_unit}), left_out)
    created: dict[str, int] = {}
    ids: list[int] = []
    label = f"Nhập {len(rows)} mô hình, điển hình từ tệp «{plan.path.name}»"
    # Rows are checked one by one and written _CHUNK at a time (create_models: a statement per table rather
    # than several per row).  An exception or Cancelled leaving this block rolls everything back, history included.
    pending: list[NewModel] = []
    with record.batch(label, action="import", undoable=True), bulk_writes():
        _refuse_stale(plan)
        for index, row in enumerate(rows, start=1):
            unit_id = row.unit_id
            if row.new_unit:
                key = unit_key(row.unit)
                if key not in created:
                    # The rows before it written first: the history lists the unit after them, as ever.
                    ids.extend(_write(pending))
                    existing = find_unit(row.unit)
                    created[key] = existing.id if existing else create_unit(row.unit).id
                unit_id = created[key]
            pending.append(_create(row, unit_id))
            if len(pending) >= _CHUNK:
                ids.extend(_write(pending))
            if task:
                task.progress(index, len(rows), row.name)
        ids.extend(_write(pending))
        # Inside the same transaction: a failure remembering the layout (a full disk) must not report an
        # import that has in fact been written, nor may a rolled-back import leave its layout remembered.
        for sheet in plan.sheets:
            remember(sheet.signature, sheet.mapping)
    plan.applied = True  # committed: the same preview never goes in twice
    _applied.add(plan.plan_id)
    names = {unit_key(r.unit): r.unit for r in rows if r.new_unit}
    return ImportResult(len(ids), [names[k] for k in created if k in names], left_out, ids)


_CHUNK = 500  # rows written together: few statements, and little held in memory


def _write(pending: list[NewModel]) -> list[int]:
    if not pending:
        return []
    ids = create_models(pending)
    pending.clear()
    return ids


def _create(row: PlannedRow, unit_id: int | None) -> NewModel:
    """The row's model, checked and ready to be written; a row the service refuses stops the whole import."""
    data = row.model_input(unit_id)
    try:
        return check_new_model(data)
    except ValidationError as exc:
        raise AppError(
            f"Trang «{row.sheet}», dòng {row.row}: {exc}. Chưa nhập dòng nào; hãy sửa tệp rồi nhập lại."
        ) from exc
