"""Tổng quan: the year at a glance, with charts and the numbers beside them.

A new office (no units, or no model in the year) sees instead where to start: the yearly cycle as
numbered steps, each ticked once done, each with a button that goes there.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QHorizontalBarSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import domain, workspace
from desktop_app.exchange import offices
from desktop_app.services import catalogues, statistics
from desktop_app.text import format_date, format_money, format_number

from .fitting import within_height

CARDS = (
    ("registered", "Đăng ký", None),
    (domain.IN_PROGRESS, "Đang thực hiện", domain.IN_PROGRESS),
    (domain.PROPOSED, "Đề nghị công nhận", domain.PROPOSED),
    (domain.RECOGNISED, "Công nhận", domain.RECOGNISED),
)
BLUE, GREEN = QColor("#2f6db5"), QColor("#2e8b57")


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    short: str  # in the small strip above the charts
    help: str
    actions: tuple[tuple[str, str], ...]  # (button text, what MainWindow.go_to_step opens)


STEPS = (
    Step(
        "units",
        "Thêm đơn vị",
        "Đơn vị",
        "Khai báo các đơn vị đăng ký: chi bộ, chính quyền, Mặt trận và đoàn thể, thôn, tổ dân phố, trường học…",
        (("Thêm đơn vị", "units"),),
    ),
    Step(
        "models",
        "Đăng ký mô hình, điển hình",
        "Đăng ký",
        "Nhập từng mô hình (tập thể) và điển hình (cá nhân), hoặc nhập cả danh sách các đơn vị gửi lên bằng Excel.",
        (
            ("Đăng ký mô hình", "add_model"),
            ("Nhập từ Excel…", "import"),
            ("Nhận gói của cấp dưới…", "receive_package"),
        ),
    ),
    Step(
        "appraisal",
        "Thẩm định, chấm điểm",
        "Chấm điểm",
        "Lập hội đồng thẩm định, xem lại bộ tiêu chí, nhập điểm của từng thành viên.",
        (("Thẩm định", "appraisal"),),
    ),
    Step(
        "recognition",
        "Công nhận",
        "Công nhận",
        "Ban hành quyết định công nhận kèm danh sách mô hình, điển hình đạt yêu cầu.",
        (("Công nhận", "recognition"),),
    ),
    Step(
        "reports",
        "In báo cáo",
        "Báo cáo",
        "In danh sách, phiếu chấm, quyết định, giấy khen, báo cáo thống kê (PDF) hoặc xuất Excel.",
        (("In báo cáo", "reports"),),
    ),
)


def step_states(progress: statistics.YearProgress) -> dict[str, tuple[bool, str]]:
    """Each step: done or not, and the line saying how far it has gone (counts from the core)."""
    year = progress.year
    if progress.scored:
        scoring = f"Đã chấm {format_number(progress.scored)}/{format_number(progress.registered)} mô hình."
    else:
        scoring = "Chưa chấm điểm mô hình nào."
    if progress.decision_issued:
        recognition = f"Đã ban hành quyết định; {format_number(progress.recognised)} được công nhận."
    elif progress.recognised:
        recognition = f"{format_number(progress.recognised)} mô hình, điển hình được công nhận."
    else:
        recognition = "Chưa công nhận."
    return {
        "units": (
            progress.units_done,
            f"Đã có {format_number(progress.units)} đơn vị." if progress.units else "Chưa có đơn vị nào.",
        ),
        "models": (
            progress.models_done,
            f"Năm {year}: {format_number(progress.registered)} mô hình, điển hình."
            if progress.registered
            else f"Năm {year} chưa có mô hình, điển hình nào.",
        ),
        "appraisal": (progress.scoring_done, scoring),
        "recognition": (progress.recognition_done, recognition),
        "reports": (
            progress.reports_done,
            f"Đã in hoặc lưu {format_number(progress.documents)} loại văn bản."
            if progress.documents
            else "Sau khi công nhận, hoặc bất cứ lúc nào cần.",
        ),
    }


class _StepRow(QFrame):
    """One numbered step of the start guide: a number (a tick once done), what to do, buttons."""

    def __init__(self, number: int, step: Step, guide: StartGuide) -> None:
        super().__init__(guide)
        self.number = number
        self.setObjectName("step_row")
        self.setStyleSheet("#step_row { background: white; border: 1px solid #c9d3e0; border-radius: 6px; }")
        self.badge = QLabel(self)
        self.badge.setFixedSize(34, 34)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(f"{number}. {step.title}", self)
        font = QFont(title.font())
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        title.setFont(font)
        explain = QLabel(step.help, self)
        explain.setWordWrap(True)
        explain.setStyleSheet("color: #444;")
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(title)
        text.addWidget(explain)
        text.addWidget(self.state)
        self.buttons: dict[str, QPushButton] = {}
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        for label, action in step.actions:
            button = QPushButton(label, self)
            button.setMinimumWidth(button.sizeHint().width() + 16)
            button.clicked.connect(guide.action_emitter(action))
            self.buttons[action] = button
            buttons.addWidget(button)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        layout.addLayout(buttons)
        self.done = False

    def set_state(self, done: bool, text: str) -> None:
        self.done = done
        self.badge.setText("✓" if done else str(self.number))
        colour = "#2e8b57" if done else "#1f4e8c"
        self.badge.setStyleSheet(
            f"background: {colour}; color: white; border-radius: 17px; font-weight: bold;font-size: 13pt;"
        )
        self.state.setText(text)
        self.state.setStyleSheet(f"color: {'#2e8b57' if done else '#8a5a00'};")


class StartGuide(QWidget):
    """Where to start, for a year without data."""

    step_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        font = QFont(self.heading.font())
        font.setPointSize(font.pointSize() + 2)
        self.heading.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.heading)
        self.rows: dict[str, _StepRow] = {}
        for number, step in enumerate(STEPS, start=1):
            row = _StepRow(number, step, self)
            self.rows[step.key] = row
            layout.addWidget(row)
        self.demo_row = QWidget(self)
        demo_layout = QHBoxLayout(self.demo_row)
        demo_layout.setContentsMargins(0, 6, 0, 0)
        demo_hint = QLabel(
            "Muốn xem trước một năm đã làm xong trông thế nào? Mở dữ liệu mẫu (tệp riêng, không "
            "lẫn vào dữ liệu của cơ quan).",
            self.demo_row,
        )
        demo_hint.setWordWrap(True)
        demo_hint.setStyleSheet("color: #444;")
        self.demo_button = QPushButton("Xem thử với dữ liệu mẫu", self.demo_row)
        self.demo_button.clicked.connect(self.action_emitter("demo"))
        demo_layout.addWidget(demo_hint, 1)
        demo_layout.addWidget(self.demo_button)
        layout.addWidget(self.demo_row)
        layout.addStretch(1)

    def action_emitter(self, action: str):
        def emit() -> None:  # no parameters: clicked()'s bool is not passed on
            self.step_requested.emit(action)

        return emit

    def button(self, action: str) -> QPushButton:
        for row in self.rows.values():
            if action in row.buttons:
                return row.buttons[action]
        raise KeyError(action)

    def update_steps(self, progress: statistics.YearProgress) -> None:
        states = step_states(progress)
        for key, row in self.rows.items():
            row.set_state(*states[key])
        self.demo_row.setVisible(not workspace.is_demo_open())
        if progress.units:
            self.heading.setText(f"Năm {progress.year} chưa có mô hình, điển hình nào. Các bước của một năm thi đua:")
        else:
            self.heading.setText("Chào mừng! Sổ chưa có dữ liệu. Hãy bắt đầu theo thứ tự các bước dưới đây:")


class StepStrip(QFrame):
    """The same steps, one line, above the charts of a year that has data."""

    step_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Các bước:", self)
        caption.setStyleSheet("color: #666;")
        layout.addWidget(caption)
        self.buttons: dict[str, QPushButton] = {}
        for number, step in enumerate(STEPS, start=1):
            button = QPushButton(self)
            button.setFlat(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            button.clicked.connect(self._emitter(step.actions[0][1]))
            button.setProperty("number", number)
            self.buttons[step.key] = button
            layout.addWidget(button)
        layout.addStretch(1)

    def _emitter(self, action: str):
        def emit() -> None:
            self.step_requested.emit(action)

        return emit

    def update_steps(self, progress: statistics.YearProgress) -> None:
        states = step_states(progress)
        for number, step in enumerate(STEPS, start=1):
            done, text = states[step.key]
            button = self.buttons[step.key]
            button.setText(f"{'✓' if done else '○'} {number}. {step.short}")
            button.setToolTip(f"{step.title}: {text}")
            button.setStyleSheet(f"color: {'#2e8b57' if done else '#1f4e8c'}; padding: 2px 6px;")


def _nice_max(value: int) -> int:
    """Axis maximum a little above ``value`` that 4 intervals divide into round whole numbers."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if 4 * step >= value * 1.1:
                return 4 * step
        magnitude *= 10


class _Card(QFrame):
    def __init__(self, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("_Card { background: white; border: 1px solid #c9d3e0; border-radius: 6px; }")
        layout = QVBoxLayout(self)
        self.value = QLabel("0", self)
        font = QFont(self.value.font())
        font.setPointSize(font.pointSize() + 12)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setStyleSheet("color: #1f4e8c;")
        caption = QLabel(title, self)
        caption.setStyleSheet("color: #444;")
        layout.addWidget(self.value)
        layout.addWidget(caption)


class ReceivedBox(QFrame):
    """«Báo cáo của cấp dưới năm Y»: which offices below have sent their package for the year, and which not.

    Shown only at an office whose catalogue has offices below (an office that receives no package sees nothing).
    """

    HEADERS = ("Cơ quan gửi báo cáo", "Tình trạng", "Ngày nhận", "Số mô hình")
    SENT, MISSING = QColor("#2e8b57"), QColor("#8a5a00")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("received_box")
        self.setStyleSheet("#received_box { background: white; border: 1px solid #c9d3e0; border-radius: 6px; }")
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(self.HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(self.HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        self.statuses: list[offices.OfficeYearStatus] = []

    def update_year(self, year: int) -> None:
        self.statuses = statuses = offices.office_status(year)
        self.setVisible(bool(statuses))
        if not statuses:
            return
        sent = [s for s in statuses if s.sent]
        missing = [s.office.name for s in statuses if not s.sent]
        self.heading.setText(f"Báo cáo của cấp dưới năm {year}")
        text = f"Đã gửi: {format_number(len(sent))}/{format_number(len(statuses))} cơ quan."
        if missing:
            shown = ", ".join(missing[:5])
            if len(missing) > 5:
                shown += f" và {format_number(len(missing) - 5)} cơ quan khác"
            text += f" Chưa gửi: {shown}."
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {(self.MISSING if missing else self.SENT).name()};")
        self.table.setRowCount(len(statuses))
        for row, status in enumerate(statuses):
            package = status.package
            cells = (
                status.office.name,
                "Đã gửi" if package else "Chưa gửi",
                format_date(package.received_at.date()) if package else "",
                format_number(package.models) if package else "",
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 1:
                    item.setForeground(self.SENT if package else self.MISSING)
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 2 and package:
                    item.setToolTip(f"Gói «{package.file_name}», lập ngày {format_date(package.created_at.date())}")
                self.table.setItem(row, column, item)
        # Up to six offices without scrolling; a district's dozens of communes scroll inside the box.
        rows = min(len(statuses), 6)
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        self.table.setFixedHeight(height + sum(self.table.rowHeight(r) for r in range(rows)))

    def rows(self) -> list[tuple[str, ...]]:
        """What the table shows, row by row (for the tests and screenshots)."""
        return [
            tuple(self.table.item(r, c).text() for c in range(self.table.columnCount()))
            for r in range(self.table.rowCount())
        ]


class DashboardPage(QWidget):
    # field id (or None), kind (or None), status (or None)
    open_list = Signal(object, object, object)
    # a step of the start guide: "units", "add_model", "import", "appraisal", "recognition", "reports", "demo"
    step_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.stats: statistics.YearStats | None = None
        self.progress: statistics.YearProgress | None = None
        self.guide = StartGuide(self)
        self.guide.step_requested.connect(self.step_requested)
        self.strip = StepStrip(self)
        self.strip.step_requested.connect(self.step_requested)
        self.title = QLabel(self)
        title_font = QFont(self.title.font())
        title_font.setPointSize(title_font.pointSize() + 4)
        title_font.setBold(True)
        self.title.setFont(title_font)
        cards = QHBoxLayout()
        self.cards: dict[str, _Card] = {}
        for key, caption, _ in CARDS:
            self.cards[key] = _Card(caption, self)
            cards.addWidget(self.cards[key])

        self.field_chart = QChartView(self)
        self.field_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.field_chart.setMinimumHeight(300)
        self.kind_chart = QChartView(self)
        self.kind_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.kind_chart.setMinimumHeight(180)
        self.numbers = QGridLayout()
        numbers_box = QFrame(self)
        numbers_box.setLayout(self.numbers)
        numbers_box.setMinimumWidth(330)

        charts = QVBoxLayout()
        charts.addWidget(self.field_chart, 3)
        charts.addWidget(self.kind_chart, 2)
        body = QHBoxLayout()
        body.addLayout(charts, 3)
        body.addWidget(numbers_box, 0, Qt.AlignmentFlag.AlignTop)
        hint = QLabel("Bấm vào một cột của biểu đồ để mở danh sách tương ứng.", self)
        hint.setStyleSheet("color: #666;")
        # The charts and numbers of a year with data; hidden while the start guide is shown.
        self.overview = QWidget(self)
        overview = QVBoxLayout(self.overview)
        overview.setContentsMargins(0, 0, 0, 0)
        overview.addWidget(self.strip)
        overview.addLayout(cards)
        overview.addLayout(body, 1)
        overview.addWidget(hint)
        self.received = ReceivedBox(self)
        self.received.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.received)
        layout.addWidget(self.guide, 1)
        self.overview_area = within_height(self.overview, self)
        layout.addWidget(self.overview_area, 1)
        self.guide.hide()

    def set_year(self, year: int) -> None:
        self.year = year
        self.refresh()

    @property
    def showing_guide(self) -> bool:
        return not self.guide.isHidden()

    def refresh(self) -> None:
        self.title.setText(f"Phong trào thi đua “Dân vận khéo” năm {self.year}")
        self.progress = progress = statistics.year_progress(self.year)
        self.guide.setVisible(progress.is_empty)
        self.overview.setVisible(not progress.is_empty)
        self.overview_area.setVisible(not progress.is_empty)
        self.received.update_year(self.year)
        if progress.is_empty:
            self.guide.update_steps(progress)
        else:
            self.strip.update_steps(progress)
        stats = statistics.year_stats(self.year)
        self.stats = stats
        registered = stats.total - stats.by_status.get(domain.WITHDRAWN, 0)
        values = {"registered": registered, **{code: stats.by_status.get(code, 0) for code in domain.STATUSES}}
        for key, card in self.cards.items():
            card.value.setText(format_number(values[key]))
        self._field_chart(stats)
        self._kind_chart(stats)
        self._numbers(stats)

    def _field_chart(self, stats: statistics.YearStats) -> None:
        fields = list(stats.field_outcome)
        registered = QBarSet("Đăng ký")
        recognised = QBarSet("Công nhận")
        registered.setColor(BLUE)
        recognised.setColor(GREEN)
        for name in fields:
            registered.append(stats.field_outcome[name]["registered"])
            recognised.append(stats.field_outcome[name]["recognised"])
        field_ids = [catalogues.find("field", name).id if catalogues.find("field", name) else None for name in fields]
        registered.clicked.connect(lambda i: self.open_list.emit(field_ids[i], None, None))
        recognised.clicked.connect(lambda i: self.open_list.emit(field_ids[i], None, domain.RECOGNISED))
        series = QBarSeries()
        series.append(registered)
        series.append(recognised)
        series.setLabelsVisible(True)
        chart = QChart()
        chart.addSeries(series)
        chart.setTitle("Theo lĩnh vực: đăng ký và được công nhận")
        axis_x = QBarCategoryAxis()
        axis_x.append([self._wrap(n) for n in fields])
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setRange(0, _nice_max(max([1] + [o["registered"] for o in stats.field_outcome.values()])))
        axis_y.setLabelFormat("%d")
        axis_y.setTickCount(5)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setMargins(QMargins(4, 4, 4, 4))
        self._replace(self.field_chart, chart)

    def _kind_chart(self, stats: statistics.YearStats) -> None:
        bars = QBarSet("Số lượng")
        bars.setColor(BLUE)
        kinds = list(domain.KINDS)
        for code in kinds:
            bars.append(stats.by_kind.get(code, 0))
        bars.clicked.connect(lambda i: self.open_list.emit(None, kinds[i], None))
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        chart = QChart()
        chart.addSeries(series)
        chart.setTitle("Mô hình tập thể và điển hình cá nhân")
        axis_y = QBarCategoryAxis()
        axis_y.append([domain.KINDS[c] for c in kinds])
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        axis_x = QValueAxis()
        axis_x.setRange(0, _nice_max(max([1] + list(stats.by_kind.values()))))
        axis_x.setLabelFormat("%d")
        axis_x.setTickCount(5)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        self._replace(self.kind_chart, chart)

    def _numbers(self, stats: statistics.YearStats) -> None:
        while self.numbers.count():
            item = self.numbers.takeAt(0)
            if item.widget():
                item.widget().hide()
                item.widget().deleteLater()
        row = 0

        def add(label: str, value: str, bold: bool = False) -> None:
            nonlocal row
            left, right = QLabel(label), QLabel(value)
            right.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if bold:
                left.setStyleSheet("font-weight: bold; margin-top: 6px;")
            self.numbers.addWidget(left, row, 0)
            self.numbers.addWidget(right, row, 1)
            row += 1

        add("Theo lĩnh vực (đăng ký / công nhận)", "", bold=True)
        for name, outcome in stats.field_outcome.items():
            add(name, f"{format_number(outcome['registered'])} / {format_number(outcome['recognised'])}")
        add("Theo loại", "", bold=True)
        for code, count in stats.by_kind.items():
            add(domain.KINDS[code], format_number(count))
        add("Theo trạng thái", "", bold=True)
        for code, count in stats.by_status.items():
            if count:
                add(domain.status_label(code), format_number(count))
        add("Kết quả vận động (theo loại chỉ tiêu)", "", bold=True)
        for line in stats.indicators:
            if line.total:
                amount = format_money(line.total) if line.unit_of_measure == "đồng" else format_number(line.total)
                add(line.category, f"{amount} {line.unit_of_measure}")

    @staticmethod
    def _wrap(name: str) -> str:
        words = name.split()
        if len(name) <= 10 or len(words) < 2:
            return name
        if " - " in name:
            head, tail = name.split(" - ", 1)
            return f"{head} -<br>{tail}"
        half = len(words) // 2
        return " ".join(words[:half]) + "<br>" + " ".join(words[half:])

    @staticmethod
    def _replace(view: QChartView, chart: QChart) -> None:
        old = view.chart()
        view.setChart(chart)
        if old is not None:
            old.deleteLater()
