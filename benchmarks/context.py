"""What every measure is handed: the archive, a private copy of it, a scratch folder, how hard to try."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .archive import ArchiveSpec, copy_archive


@dataclass(frozen=True)
class Context:
    spec: ArchiveSpec
    scratch: Path  # this measure's own folder, removed after the run
    repeat: int
    quick: bool

    @property
    def year(self) -> int:
        """The working year: the archive's last, of ``spec.last_year_models`` models."""
        return self.spec.end_year

    def private_copy(self, name: str) -> Path:
        """A copy of the archive of its own (database and attachments) under the scratch folder."""
        return copy_archive(self.spec, self.scratch / name / "luu-tru.db")

    def to_json(self) -> str:
        data = asdict(self)
        data["scratch"] = str(self.scratch)
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> Context:
        data = json.loads(text)
        return cls(
            spec=ArchiveSpec(**data["spec"]),
            scratch=Path(data["scratch"]),
            repeat=int(data["repeat"]),
            quick=bool(data["quick"]),
        )
