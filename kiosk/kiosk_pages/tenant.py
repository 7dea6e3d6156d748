"""新租户登记: scan the door plate's QR code (or choose the address), then the same residence
declaration as the portal's "I live here", and the receipt code to keep."""

from __future__ import annotations

from kiosk.screens.tenant import choose_plate, chosen_plate, declare
from kiosk.widgets import back_button
from shared.gate.gates import GateView


def show(gate: GateView) -> None:
    plate = chosen_plate()
    if plate is None:
        choose_plate(gate)
    else:
        declare(plate)
    back_button()
