"""Lịch sử thay đổi: who changed what in the whole office, and when, filtered, with the detail of one change.

The table reads the history a page at a time (newest first); the filters run the query again on the
GUI thread, which a keyset page of 200 allows even on 100.000 changes.  «Xuất Excel» writes every
entry the filters keep, on the worker, with progress and «Hủy».
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.history import display, kinds, queries, record
from desktop_app.history.display import Described
from desktop_app.history.queries import HistoryFilter
from desktop_app.text import format_date, format_number, parse_date

from .. import messages
from ..models.history_table import HistoryTableModel
from ..save_dialog import ask_document_path
from ..worker import Job, run_job

ERROR_STYLE = "color: #b00020;"
NOTHING_SELECTED = "Chọn một dòng trong bảng để xem chi tiết: từng trường trước và sau khi thay đổi."
TYPING_PAUSE_MS = 300


def detail_html(item: Described, *, table: bool = True) -> str:
    """One change as the detail pane shows it: when, who, what, and each field «before → after»
    (in two columns, or as lines «field: before → after» when not ``table``)."""
    entry = item.entry
    esc = html.escape
    undone = " <i>(đã hoàn tác)</i>" if entry.undone else ""
    what = f"{entry.action_label} {entry.kind_label.lower()}: "
    # A single edit's batch is named after the edit itself: said once.  A bulk action (an import…) is named.
    batch = (
        ""
        if entry.batch_label == what + entry.label
        else f"<br><span style='color:#555'>Thuộc việc: {esc(entry.batch_label)}</span>"
    )
    head = (
        f"<p><b>{esc(display.when(entry))}</b> — {esc(entry.user or '(không rõ)')}<br>"
        f"{esc(what)}<b>{esc(entry.label)}</b>{undone}{batch}</p>"
    )
    if not item.lines:
        return head + "<p>Không có trường nào thay đổi.</p>"

    def cell(text: str) -> str:
        return esc(text).replace("\n", "<br>")

    rows = []
    for line in item.lines:
        if line.before and line.after:
            change = f"{cell(line.before)} <b>→</b> {cell(line.after)}"
        else:
            change = cell(line.after or line.before)
        if not table:
            rows.append(f"<b>{cell(line.label)}</b>: {change}")
            continue
        rows.append(
            f"<tr><td style='padding:2px 10px 2px 0; color:#333' valign='top'><b>{cell(line.label)}</b></td>"
            f"<td style='padding:2px 0' valign='top'>{change}</td></tr>"
        )
    if not table:
        return head + "<p>" + "<br>".join(rows) + "</p>"
    return head + "<table cellspacing='0'>" + "".join(rows) + "</table>"


def _combo(placeholder: str, items: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(placeholder, None)
    for code, label in items.items():
        combo.addItem(label, code)
    return combo


class HistoryPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year: int | None = None
        self.table_model = HistoryTableModel(self)
        # Typing restarts the pause; the query runs once the user stops (never between two keys).
        self._debounce = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._debounce.timeout.connect(self.apply_filter)

        self.since = self._date_edit("Từ ngày (dd/mm/yyyy); để trống: từ đầu")
        self.until = self._date_edit("Đến ngày (dd/mm/yyyy); để trống: đến nay")
        self.kind_combo = _combo("Mọi loại bản ghi", {code: kind.label for code, kind in kinds.KINDS.items()})
        self.action_combo = _combo("Mọi thao tác", record.ACTIONS)
        for combo in (self.kind_combo, self.action_combo):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Tìm theo tên bản ghi, người thực hiện, việc đã làm (gõ không dấu cũng được)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        clear = QPushButton("Bỏ lọc", self)
        clear.clicked.connect(lambda _checked=False: self.clear_filters())
        self.export_button = QPushButton("Xuất Excel…", self)
        self.export_button.setToolTip("Ghi toàn bộ các thay đổi đang lọc ra một tệp Excel")
        self.export_button.clicked.connect(lambda _checked=False: self.export_excel())
        self.count_label = QLabel(self)
        self.date_error = QLabel(self)
        self.date_error.setStyleSheet(ERROR_STYLE)
        self.date_error.hide()

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Từ ngày:", self))
        filters.addWidget(self.since)
        filters.addWidget(QLabel("đến ngày:", self))
        filters.addWidget(self.until)
        filters.addWidget(self.kind_combo, 1)
        filters.addWidget(self.action_combo, 1)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(clear)
        actions = QHBoxLayout()
        actions.addWidget(self.count_label)
        actions.addWidget(self.date_error, 1)
        actions.addStretch(1)
        actions.addWidget(self.export_button)

        self.table = QTableView(self)
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)  # «Nội dung thay đổi» takes the rest
        for column, width in ((0, 125), (1, 140), (2, 110), (3, 150), (4, 260)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.detail = QTextBrowser(self)
        self.detail.setOpenLinks(False)
        self.detail.setPlaceholderText(NOTHING_SELECTED)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([500, 180])
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)

    def _date_edit(self, tip: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText("dd/mm/yyyy")
        edit.setToolTip(tip)
        edit.setMaxLength(10)
        edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("00/00/00000") + 24)
        edit.textChanged.connect(lambda _t: self._debounce.start())
        return edit

    # --- the page interface MainWindow uses
    def set_year(self, year: int) -> None:
        self.year = year  # the history is the whole office's: every year stays listed

    def refresh(self) -> None:
        """Shown again: models may have changed elsewhere since, so read the history anew."""
        self.apply_filter()

    def reload(self) -> None:
        self.apply_filter()

    # --- filters
    def _day(self, edit: QLineEdit, label: str) -> tuple[date | None, str]:
        try:
            return parse_date(edit.text()), ""
        except ValueError as err:
            return None, f"{label}: {err}"

    def current_filter(self) -> HistoryFilter | None:
        """The filter on screen, or None while a date is mistyped (the error is shown beside the count)."""
        since, since_error = self._day(self.since, "Từ ngày")
        until, until_error = self._day(self.until, "Đến ngày")
        error = since_error or until_error
        if not error and since and until and until < since:
            error = f"Đến ngày {format_date(until)} trước từ ngày {format_date(since)}"
        self.date_error.setText(error)
        self.date_error.setVisible(bool(error))
        if error:
            return None
        kind, action = self.kind_combo.currentData(), self.action_combo.currentData()
        return HistoryFilter(
            since=since,
            until=until,
            kinds=(kind,) if kind else (),
            actions=(action,) if action else (),
            text=self.search.text(),
        )

    def apply_filter(self) -> None:
        self._debounce.stop()
        flt = self.current_filter()
        if flt is None:
            return  # the previous results stay until the date reads
        selected = self._selected_id()
        self.table_model.set_filter(flt)
        total = queries.count(flt)
        self.count_label.setText(f"{format_number(total)} thay đổi")
        self.export_button.setEnabled(total > 0)
        self._reselect(selected)

    def clear_filters(self) -> None:
        for widget in (self.since, self.until, self.search):
            widget.blockSignals(True)
            widget.clear()
            widget.blockSignals(False)
        for combo in (self.kind_combo, self.action_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.apply_filter()

    # --- detail
    def _selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        entry = self.table_model.entry(rows[0].row()) if rows else None
        return entry.id if entry is not None else None

    def _reselect(self, entry_id: int | None) -> None:
        for row in range(self.table_model.rowCount()):
            entry = self.table_model.entry(row)
            if entry is not None and entry.id == entry_id:
                self.table.selectRow(row)
                return
        self.detail.clear()

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        item = self.table_model.described(rows[0].row()) if rows else None
        if item is None:
            self.detail.clear()
        else:
            self.detail.setHtml(detail_html(item))

    # --- Excel
    def _ask_path(self) -> Path | None:
        return ask_document_path(self, "Xuất Excel", f"Lịch sử thay đổi đến ngày {date.today():%d-%m-%Y}", ".xlsx")

    def export_excel(self, path: Path | None = None) -> Job | None:
        """Write the filtered history to ``path`` (asked for when not given), on the worker."""
        flt = self.current_filter()
        if flt is None:
            messages.warning(self, "Ngày lọc chưa đúng; hãy sửa rồi xuất lại.")
            return None
        path = path or self._ask_path()
        if path is None:
            return None
        from desktop_app.history.export import export_history  # openpyxl: loaded when first used, not at start

        return run_job(
            self,
            lambda task: export_history(flt, path, task),
            title="Xuất Excel",
            label="Đang xuất lịch sử thay đổi…",
            on_done=lambda result: messages.saved(self, result),
        )
