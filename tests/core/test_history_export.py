"""The history exported to Excel: a header, one row per entry with its changes, real dates, filters kept."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import load_workbook

from desktop_app.errors import Cancelled
from desktop_app.history import queries
from desktop_app.history.export import HEADERS, export_history
from desktop_app.history.queries import HistoryFilter
from desktop_app.services import catalogues, units
from desktop_app.services.models import ModelInput, create_model, get_model, update_model
from desktop_app.tasks import TaskState


def _two_models() -> None:
    unit = units.create_unit("Hội Cựu chiến binh xã Đạ Đờn")
    field = catalogues.find("field", "Kinh tế").id
    model_id = create_model(ModelInput(name="Thu gom ve chai", year=2023, field_id=field, unit_id=unit.id))
    create_model(ModelInput(name='=HYPERLINK("http://x")', year=2023, field_id=field, unit_id=unit.id))
    data = get_model(model_id).data
    data.address = "Thôn Đạ Nghịt"
    update_model(model_id, data)


def test_every_entry_is_a_row_with_its_changes_and_a_real_date(db, tmp_path):
    _two_models()
    seen: list[tuple[int, int]] = []
    target = export_history(None, tmp_path / "lịch sử.xlsx", TaskState(lambda d, t, _s: seen.append((d, t))))
    ws = load_workbook(target).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == tuple(title for title, _width in HEADERS)
    assert len(rows) == 1 + queries.count()
    newest = rows[1]
    assert isinstance(newest[0], datetime) and ws["A2"].number_format == "dd/mm/yyyy hh:mm"
    assert newest[2:5] == ("Sửa", "Mô hình, điển hình", "Thu gom ve chai")
    assert newest[5] == "Địa chỉ cụ thể: (trống) → Thôn Đạ Nghịt"
    created = rows[2]
    assert created[2] == "Thêm" and "Đơn vị thực hiện: Hội Cựu chiến binh xã Đạ Đờn" in created[5].split("\n")
    assert created[4] == '=HYPERLINK("http://x")' and ws["E3"].data_type == "s"  # text, never a live formula
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:H{len(rows)}"
    assert ws.column_dimensions["F"].width == 90
    assert seen[-1] == (queries.count(), queries.count())


def test_only_the_filtered_entries_are_exported(db, tmp_path):
    _two_models()
    target = export_history(HistoryFilter(text="ve chai", actions=("update",)), tmp_path / "lọc.xlsx")
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert [row[4] for row in rows[1:]] == ["Thu gom ve chai"]


def test_a_cancelled_export_leaves_no_file(db, tmp_path):
    _two_models()
    folder = tmp_path / "xuất"
    folder.mkdir()
    task = TaskState(lambda done, _total, _text: done and task.cancel())  # «Hủy» once rows are written
    with pytest.raises(Cancelled):
        export_history(None, folder / "hủy.xlsx", task)
    assert list(folder.iterdir()) == []
