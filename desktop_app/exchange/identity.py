"""This office as a sender of packages: a uuid made once, and the name the upper office will know it by."""

from __future__ import annotations

from ..services import settings
from ..storage.models import new_uuid
from .format import OFFICE_UUID_SETTING, SenderOffice


def office_uuid() -> str:
    """This office's identity as a sender, made at its first package and kept in the database.

    It lives in the settings table, so a backup carries it and a restored office stays the same sender: the
    upper office then sees its next package as a newer one of the same office, not a new office.
    """
    value = settings.get_value(OFFICE_UUID_SETTING)
    if isinstance(value, str) and value.strip():
        return value.strip()
    made = new_uuid()
    settings.set_value(OFFICE_UUID_SETTING, made)
    return made


def sender() -> SenderOffice:
    """The office as its packages name it: the issuing body of its default style, else its place name."""
    office = settings.get_office()
    name = office.name.strip() or office.place_name.strip()
    return SenderOffice(office_uuid(), name, office.area_name.strip(), office.own_level.strip())
