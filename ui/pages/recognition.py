"""Công nhận: the recognition decision of the year (number, date, signer), freezing the results.

Beside the form, the models the decision recognises: before it is issued those that pass, after it those it
recognised, so the clerk sees exactly who is on the list.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

import desktop_app.appraisal.results as results_service
from desktop_app.appraisal import decision as decision_service
from desktop_app.errors import ValidationError
from desktop_app.office import STYLE_LABELS, MissingIdentity, OfficeInfo, decision_reference
from desktop_app.services import settings
from desktop_app.text import format_date, format_number

from .. import messages
from ..autobackups import backup_first
from ..errors import attempt
from ..models.appraisal_tables import PassingTableModel
from .showing import in_front


class RecognitionPage(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b00020; font-weight: bold;")
        self.warning.hide()
        self.list_title = QLabel(self)
        self.list_title.setStyleSheet("font-weight: bold;")
        self.passing = PassingTableModel(self)
        self.passing_view = QTableView(self)
        self.passing_view.setModel(self.passing)
        self.passing_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.passing_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.passing_view.verticalHeader().hide()
        header = self.passing_view.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 44), (3, 70), (4, 70), (5, 80), (6, 150)):
            self.passing_view.setColumnWidth(column, width)
        box = QGroupBox("Quyết định công nhận", self)
        form = QFormLayout(box)
        self.form = form
        # Only an office issuing in both styles chooses which of its identities signs the decision.
        self.style_combo = QComboBox(box)
        self.style_combo.setToolTip("Cơ quan nào ban hành quyết định: theo thể thức của Đảng hay hành chính.")
        self.style_combo.currentIndexChanged.connect(self._style_chosen)
        self.number = QLineEdit(box)
        self.day = QLineEdit(box)
        self.day.setPlaceholderText("dd/mm/yyyy, thường là 15/10")
        self.issuing_body, self.signer_name = QLineEdit(box), QLineEdit(box)
        self.signer_title, self.authority = QLineEdit(box), QLineEdit(box)
        form.addRow("Thể thức", self.style_combo)
        form.addRow("Số quyết định *", self.number)
        form.addRow("Ngày ký *", self.day)
        form.addRow("Cơ quan ban hành", self.issuing_body)
        form.addRow("Người ký", self.signer_name)
        form.addRow("Chức vụ người ký", self.signer_title)
        form.addRow("Thẩm quyền ký", self.authority)
        self.error = QLabel(box)
        self.error.setStyleSheet("color: #b00020;")
        form.addRow("", self.error)
        self.issue_button = QPushButton("Ban hành quyết định và chốt kết quả", self)
        self.issue_button.clicked.connect(self.issue)
        self.unlock_button = QPushButton("Mở khóa để sửa (ghi lý do)…", self)
        self.unlock_button.clicked.connect(self.unlock)
        buttons = QHBoxLayout()
        buttons.addWidget(self.issue_button)
        buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        self.buttons_row = buttons  # the main window adds the print buttons here
        explain = QLabel(
            "Khi ban hành, các mô hình đạt yêu cầu chuyển sang «Công nhận», các mô hình còn lại sang "
            "«Không công nhận»; điểm, bộ tiêu chí và cách tính được chốt cùng quyết định để in lại danh "
            "sách đúng như đã ký. Muốn sửa sau đó phải mở khóa và ghi lý do.",
            self,
        )
        explain.setWordWrap(True)
        explain.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.summary)
        layout.addWidget(self.warning)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addWidget(explain)
        layout.addWidget(self.list_title)
        layout.addWidget(self.passing_view, 1)
        self._defaults: tuple[str, str, str, str] = ("", "", "", "")  # what the chosen identity filled in

    @property
    def identity_edits(self) -> tuple[QLineEdit, QLineEdit, QLineEdit, QLineEdit]:
        return self.issuing_body, self.signer_name, self.signer_title, self.authority

    def chosen_style(self) -> str | None:
        """The style chosen for the decision; None when the office has no identity at all."""
        return self.style_combo.currentData()

    def _issuer_values(self, office: OfficeInfo, style: str | None) -> tuple[str, str, str, str]:
        try:
            issuer = office.issuer(style)
        except MissingIdentity:  # an office never set up: the service refuses with where to fill it in
            return ("", "", "", "")
        return issuer.issuing_body, issuer.signer_name, issuer.signer_title, issuer.signing_authority

    def _fill_styles(self, office: OfficeInfo, wanted: str | None) -> None:
        self.style_combo.blockSignals(True)
        self.style_combo.clear()
        for code in office.styles:
            self.style_combo.addItem(STYLE_LABELS[code], code)
        index = self.style_combo.findData(wanted) if wanted else -1
        self.style_combo.setCurrentIndex(max(index, 0) if self.style_combo.count() else -1)
        self.style_combo.blockSignals(False)
        self.form.setRowVisible(self.style_combo, self.style_combo.count() > 1)
        self._show_number_hint(office)

    def _show_number_hint(self, office: OfficeInfo) -> None:
        style = self.chosen_style()
        example = office.issuer(style).reference(125) if style else "125-QĐ/HU"
        self.number.setPlaceholderText(f"VD: 125 (ký hiệu theo Cài đặt) hoặc {example}")

    def _style_chosen(self, _index: int) -> None:
        """Another identity issues: its details replace the previous one's, but never what the clerk typed."""
        office = settings.get_office()
        values = self._issuer_values(office, self.chosen_style())
        for edit, old, new in zip(self.identity_edits, self._defaults, values):
            if not edit.text().strip() or edit.text() == old:
                edit.setText(new)
        self._defaults = values
        self._show_number_hint(office)

    def set_year(self, year: int) -> None:
        self.year = year
        if in_front(self):  # else the window refreshes the page when it is shown
            self.refresh()

    def refresh(self) -> None:
        if not self.year:
            return
        current = decision_service.decision_for(self.year)
        office = settings.get_office()
        # A decision carries its results (frozen when locked, less deleted models); else the live ones.
        items = current.results if current is not None else results_service.results(self.year)
        recognised = [r for r in items if r.recognised and r.members]
        outstanding = [r for r in recognised if r.outstanding]
        unscored = [r for r in items if not r.members]
        self.summary.setText(
            f"Năm {self.year}: {format_number(len(items))} mô hình, điển hình; đủ điều kiện công nhận "
            f"{format_number(len(recognised))} (tiêu biểu {format_number(len(outstanding))}); chưa có điểm "
            f"{format_number(len(unscored))}."
        )
        self.passing.set_items([r for _, results in results_service.by_kind(recognised) for r in results])
        # A decision issued already was signed by one of the identities: the one whose body it names.
        signer = current.issuing_body if current else None
        signed_by = next((code for code in office.styles if office.identities[code].issuing_body == signer), None)
        self._fill_styles(office, signed_by or office.document_style)
        self._defaults = self._issuer_values(office, self.chosen_style())
        if current is None:
            self.state.setText(f"<b>Năm {self.year} chưa có quyết định công nhận.</b>")
            values = ("", "", *self._defaults)
        else:
            lock = "đã chốt kết quả" if current.locked else "đang mở khóa để sửa"
            self.state.setText(
                f"<b>Quyết định số {decision_reference(current.number, office)} ngày "
                f"{format_date(current.date)}</b> — {lock}; công nhận "
                f"{format_number(sum(r.recognised for r in current.results))} mô hình, điển hình."
            )
            values = (
                current.number,
                format_date(current.date),
                current.issuing_body,
                current.signer_name,
                current.signer_title,
                current.authority,
            )
        if current is not None and current.locked:
            self.list_title.setText(
                f"Được công nhận theo Quyết định số {decision_reference(current.number, office)}"
                f": {format_number(len(recognised))} mô hình, điển hình"
            )
            problems: list[str] = []  # the criteria no longer matter: the results are frozen
        else:
            when = "quyết định chưa ban hành" if current is None else "quyết định đang mở khóa để sửa"
            self.list_title.setText(
                f"Đủ điều kiện công nhận ({when}): {format_number(len(recognised))} mô hình, điển hình"
            )
            problems = decision_service.criteria_warnings(self.year)
        self.warning.setText("\n".join(problems))
        self.warning.setVisible(bool(problems))
        for edit, value in zip(
            (self.number, self.day, self.issuing_body, self.signer_name, self.signer_title, self.authority), values
        ):
            edit.setText(value)
            edit.setEnabled(current is None or not current.locked)
        self.style_combo.setEnabled(current is None or not current.locked)
        if current is None and not self.day.text():
            self.day.setText(format_date(date(self.year, 10, 15)))
        self.issue_button.setEnabled(current is None or not current.locked)
        self.unlock_button.setEnabled(current is not None and current.locked)

    def issue(self) -> None:
        self.error.clear()
        question = f"Ban hành quyết định công nhận và chốt kết quả chấm điểm của năm {self.year}?"
        problems = decision_service.criteria_warnings(self.year)
        if problems:
            question = "Lưu ý: " + " ".join(problems) + "\n\n" + question
        if not messages.confirm(self, question, yes="Ban hành", no="Chưa", danger=bool(problems)):
            return
        # A decision locks the year's scores: the automatic backup first keeps the state before it.
        backup_first(self, "quyet-dinh", self._issue_confirmed)

    def _issue_confirmed(self) -> None:
        with attempt(self, "Ban hành quyết định công nhận") as outcome:
            try:
                decision_service.issue_decision(
                    self.year,
                    self.number.text(),
                    self.day.text(),
                    issuing_body=self.issuing_body.text(),
                    signer_name=self.signer_name.text(),
                    signer_title=self.signer_title.text(),
                    authority=self.authority.text(),
                    style=self.chosen_style(),
                )
            except ValidationError as err:  # shown under the form, beside what to correct
                self.error.setText(str(err))
                return
        if not outcome.ok:
            return
        self.refresh()
        self.changed.emit()
        self.window().statusBar().showMessage("Đã ban hành quyết định công nhận.", 5000)

    def unlock(self) -> None:
        reason = messages.ask_text(self, "Mở khóa quyết định", "Lý do mở khóa (được ghi lại):")
        if reason is None:
            return
        with attempt(self, "Mở khóa quyết định") as outcome:
            decision_service.unlock_decision(self.year, reason)
        if not outcome.ok:
            return
        self.refresh()
