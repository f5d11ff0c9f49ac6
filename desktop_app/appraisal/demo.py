"""Demo appraisal: a council of five with deterministic scores for every demo model."""

from __future__ import annotations

import random
import uuid as _uuid

from ..history import record
from ..storage.models import MoHinh
from .council import add_member, council_members
from .criteria import criteria_set_for
from .scoring import models_to_score, save_sheet
from .tables import CouncilMember, Score

_NAMESPACE = _uuid.UUID("0b7b1a52-8d0e-4a8e-9c53-6a3f1f3f2c01")
DEMO_COUNCIL = (
    ("Trần Thị Hồng", "Trưởng Ban Dân vận Huyện ủy", "Chủ tịch hội đồng"),
    ("Lê Văn Minh", "Phó Trưởng Ban Dân vận Huyện ủy", "Phó Chủ tịch hội đồng"),
    ("Nguyễn Thị Thu Hà", "Chủ tịch Ủy ban MTTQ Việt Nam huyện", "Ủy viên"),
    ("Phạm Quốc Khánh", "Trưởng phòng Nội vụ huyện", "Ủy viên"),
    ("K' Brỉu", "Chuyên viên Ban Dân vận Huyện ủy", "Thư ký"),
)
# Models the demo council finds weak, so that the results show a "Không đạt".
_WEAK = ("Thu gom phế liệu", "Thu gom ve chai")


def load_demo_appraisal(year: int) -> None:
    """Idempotent: members are keyed by stable UUIDs; sheets already scored are left alone."""
    with record.batch(f"Nạp hội đồng thẩm định và điểm chấm mẫu năm {year}"):
        for index, (name, title, role) in enumerate(DEMO_COUNCIL):
            uuid = str(_uuid.uuid5(_NAMESPACE, f"{year}:{index}"))
            if not CouncilMember.select().where(CouncilMember.uuid == uuid).exists():
                add_member(year, name, title, role, uuid=uuid)
        members = [
            m
            for m in council_members(year)
            if m.uuid in {str(_uuid.uuid5(_NAMESPACE, f"{year}:{i}")) for i in range(len(DEMO_COUNCIL))}
        ]
        for model in models_to_score(year):
            level = MoHinh.get_by_id(model.id).level_id
            criteria = criteria_set_for(year, model.kind, level).criteria
            rng = random.Random(model.uuid)
            quality = 0.55 if model.name in _WEAK else rng.uniform(0.72, 0.97)
            for member in members:
                if Score.select().where((Score.member == member.id) & (Score.model == model.id)).exists():
                    continue
                values = {}
                for criterion in criteria:
                    share = min(1.0, max(0.0, quality + rng.uniform(-0.08, 0.08)))
                    values[criterion.id] = round(criterion.max_points * share * 2) / 2
                save_sheet(year, member.id, model.id, values)
