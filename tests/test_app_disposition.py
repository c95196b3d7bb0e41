"""The disposition of a failed inspection, signed by PIN, through the real app: badges from a
pseudo-terminal reader, at the station's size and a handheld's."""

from __future__ import annotations

import json
import threading

import pytest
from sqlmodel import select
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static

from kiosk.app import KioskApp
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.qc_values import Decision, DispositionView, Entry, InspectionKind
from kiosk.services import Services
from kiosk.store.models import Disposition
from screens.disposition import DispositionScreen
from screens.widgets.key_bar import KeyBar
from tests.test_app import events_of, wait_for
from tests.test_app_devices import Port, notified, ports, serial_app
from tests.test_qc import (
    INSPECTOR_PIN,
    SOLDER,
    failed_first_article,
    keep_plan,
    people,
    record_all,
    reflow,
    report,
    the_open,
)

__all__ = ["people", "ports", "serial_app"]  # fixtures, used by name

Answers = list[DispositionView | None]


async def badge_in(pilot: Pilot[None], app: KioskApp, badge: Port, number: str) -> SignedIn:
    """Signed in by badge alone: an inspector's PIN is asked for when they sign."""
    await wait_for(pilot, lambda: notified(app, "Badge reader connected."))
    badge.send(number.encode() + b"\r\n")
    await wait_for(pilot, lambda: app.user is not None and app.screen is not app.login)
    assert app.user is not None
    return app.user


async def open_disposition(
    pilot: Pilot[None], app: KioskApp, user: SignedIn, inspection_id: str
) -> tuple[DispositionScreen, Answers]:
    """The modal over whatever the person's home is, as the inspector's screens open it."""
    assert app.services is not None
    qc = app.services.qc
    answers: Answers = []
    screen = DispositionScreen(
        Translator(user.language), qc, user, qc.detail(inspection_id, user.language)
    )
    app.push_screen(screen, answers.append)
    await wait_for(pilot, lambda: app.screen is screen and screen.query_one(KeyBar).is_mounted)
    return screen, answers


def failed_final(services: Services, people: dict[str, SignedIn]) -> str:
    """The MC-200 reflow's lot of 500, sampled 50 units: 3 with solder bridges fail it."""
    keep_plan(services, "FINAL-REFLOW", "final", SOLDER, aql="1.0")
    operation_id = reflow(services, people["operator"])
    report(services, operation_id, people["operator"], 160, final=True)
    final = the_open(services, InspectionKind.FINAL)
    bridged: dict[str, Entry] = {"SOLDER": (False, "BRIDGE")}
    good: dict[str, Entry] = {"SOLDER": (True, "")}
    units = [bridged] * 3 + [good] * (final.sample_size - 3)
    record_all(services, final.inspection_id, people["inspector"], units)
    return final.inspection_id


def text_of(widget: Widget) -> str:
    return str(widget.render())


def problem(screen: DispositionScreen) -> str:
    line = screen.query_one("#problem", Static)
    return text_of(line) if line.has_class("-shown") else ""


def meaning(screen: DispositionScreen) -> str:
    box = screen.query_one("#meaning", Static)
    return text_of(box) if box.has_class("-shown") else ""


def on_glass(screen: DispositionScreen, *selectors: str) -> None:
    """Each widget shows whole: on the screen, and not scrolled out of its box."""
    body = screen.query_one("#body")
    for selector in selectors:
        widget = screen.query_one(selector)
        region = widget.region
        assert region.area > 0, selector
        assert screen.region.contains_region(region), selector
        if widget.parent is body:
            assert body.region.contains_region(region), selector


def dispositions(services: Services) -> list[Disposition]:
    with services.store.read() as session:
        return list(session.exec(select(Disposition)).all())


def refusals(services: Services) -> list[str]:
    return [json.loads(e.payload)["reason"] for e in events_of(services, "qc.signature_refused")]


@pytest.mark.parametrize("size", [(120, 40), (40, 16)])
async def test_an_inspector_signs_a_concession_after_a_wrong_pin(
    serial_app: KioskApp,
    services: Services,
    people: dict[str, SignedIn],
    ports: tuple[Port, Port],
    size: tuple[int, int],
) -> None:
    _, badge = ports
    app = serial_app
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    async with app.run_test(size=size) as pilot:
        grace = await badge_in(pilot, app, badge, "E1014")  # Grace Lin, QC, English
        assert app.services is services
        failed = failed_first_article(app.services, people)
        screen, answers = await open_disposition(pilot, app, grace, failed)
        number = app.services.qc.detail(failed, "en").summary.number

        assert number in text_of(screen.query_one(Label))
        assert text_of(screen.query_one("#finding", Static)) == "Unit failed: Board thickness"
        choices = screen.query_one("#decisions", OptionList)
        rework = str(choices.get_option_at_index(1).prompt)
        assert rework.startswith("2  REWORK") and "a new first-article check follows" in rework
        on_glass(screen, "Label", "#what", "#finding", "#decisions", "#note", "KeyBar")
        assert not screen.query_one("#pin-row").has_class("-shown")  # nothing to sign yet

        # The note first (Tab): its digits are typed, not taken for a decision.
        await pilot.press("tab", *"deviation D-17")
        assert screen.query_one("#note", Input).value == "deviation D-17"
        assert screen.decision is None
        await pilot.press("shift+tab", "3")
        await wait_for(pilot, lambda: "Grace Lin" in meaning(screen))
        shown = meaning(screen)
        assert "CONCESSION" in shown and number in shown
        assert screen.focused is screen.query_one("#pin", Input)
        on_glass(screen, "Label", "#meaning", "#pin", "KeyBar")

        await pilot.press(*"0000", "enter")
        await wait_for(pilot, lambda: "Wrong PIN" in problem(screen))
        pin = screen.query_one("#pin", Input)
        assert pin.value == "" and screen.focused is pin
        assert bells == [None]
        assert refusals(services) == ["wrong_pin"]
        assert dispositions(services) == []
        on_glass(screen, "#problem", "#meaning", "#pin", "KeyBar")

        await pilot.press(*"2580", "enter")
        await wait_for(pilot, lambda: answers != [])
    [signed] = answers
    assert signed is not None
    assert (signed.signer_name, signed.decision, signed.meaning) == (
        "Grace Lin",
        Decision.CONCESSION,
        shown,
    )
    [row] = dispositions(services)
    assert (row.inspection_id, row.signer_name, row.decision, row.meaning, row.note) == (
        failed,
        "Grace Lin",
        "concession",
        shown,
        "deviation D-17",
    )
    assert refusals(services) == ["wrong_pin"]  # the right PIN was not refused again


async def test_an_operator_may_not_sign_and_the_attempt_is_recorded(
    serial_app: KioskApp,
    services: Services,
    people: dict[str, SignedIn],
    ports: tuple[Port, Port],
) -> None:
    _, badge = ports
    app = serial_app
    async with app.run_test(size=(120, 40)) as pilot:
        kevin = await badge_in(pilot, app, badge, "E1003")  # operator: no DISPOSITION
        failed = failed_first_article(services, people)
        screen, answers = await open_disposition(pilot, app, kevin, failed)
        await pilot.press("1")
        await wait_for(pilot, lambda: "Kevin Chen" in meaning(screen))
        await pilot.press(*"1234", "enter")
        await wait_for(pilot, lambda: problem(screen) == "Your role may not do this.")
        assert app.screen is screen and answers == []
    assert refusals(services) == ["not_permitted"]
    assert dispositions(services) == []


async def test_escape_cancels_and_nothing_is_recorded(
    serial_app: KioskApp,
    services: Services,
    people: dict[str, SignedIn],
    ports: tuple[Port, Port],
) -> None:
    _, badge = ports
    app = serial_app
    async with app.run_test(size=(40, 16)) as pilot:
        grace = await badge_in(pilot, app, badge, "E1014")
        failed = failed_first_article(services, people)
        screen, answers = await open_disposition(pilot, app, grace, failed)
        await pilot.press("2")
        await wait_for(pilot, lambda: "REWORK" in meaning(screen))
        await pilot.press(*"25", "escape")
        await wait_for(pilot, lambda: answers == [None])
        assert app.screen is not screen
    assert events_of(services, "qc.signature_refused") == []
    assert events_of(services, "qc.dispositioned") == []
    assert dispositions(services) == []


async def test_a_second_enter_while_signing_signs_once(
    serial_app: KioskApp,
    services: Services,
    people: dict[str, SignedIn],
    ports: tuple[Port, Port],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, badge = ports
    app = serial_app
    gate = threading.Event()
    calls: list[str] = []
    sign = services.qc.disposition

    def slow_sign(*args: object) -> DispositionView:
        calls.append("sign")
        gate.wait(5)
        return sign(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(services.qc, "disposition", slow_sign)
    async with app.run_test(size=(120, 40)) as pilot:
        grace = await badge_in(pilot, app, badge, "E1014")
        failed = failed_first_article(services, people)
        screen, answers = await open_disposition(pilot, app, grace, failed)
        await pilot.press("1")
        await wait_for(pilot, lambda: "SCRAP" in meaning(screen))
        await pilot.press(*"2580", "enter")
        await wait_for(pilot, lambda: calls == ["sign"])
        await pilot.press(*"2580", "enter", "escape")  # neither signs again nor cancels
        assert app.screen is screen
        gate.set()
        await wait_for(pilot, lambda: answers != [])
    assert calls == ["sign"]
    [signed] = answers
    assert signed is not None and signed.decision is Decision.SCRAP
    assert signed.reinspection is not None  # a first article scrapped: checked again
    assert len(dispositions(services)) == 1


async def test_a_final_inspection_is_reworked_in_the_inspectors_language_on_a_handheld(
    serial_app: KioskApp,
    services: Services,
    people: dict[str, SignedIn],
    ports: tuple[Port, Port],
) -> None:
    _, badge = ports
    app = serial_app
    async with app.run_test(size=(40, 16)) as pilot:
        inspector = await badge_in(pilot, app, badge, "E1008")  # 黄婷, QC, Chinese
        failed = failed_final(services, people)
        screen, answers = await open_disposition(pilot, app, inspector, failed)
        assert text_of(screen.query_one("#finding", Static)) == "50 件中 3 件不合格"
        rework = str(screen.query_one("#decisions", OptionList).get_option_at_index(1).prompt)
        assert rework == "2  返工： 返工至符合要求"  # a lot: no first-article check follows
        on_glass(screen, "Label", "#what", "#finding", "#decisions", "#note", "KeyBar")
        await pilot.press("2")
        await wait_for(pilot, lambda: meaning(screen).startswith("本人黄婷"))
        on_glass(screen, "Label", "#meaning", "#pin", "KeyBar")
        await pilot.press(*INSPECTOR_PIN, "enter")
        await wait_for(pilot, lambda: answers != [])
    [signed] = answers
    assert signed is not None and signed.decision is Decision.REWORK
    assert "返工" in signed.meaning and "50 件中 3 件不合格" in signed.meaning
    assert signed.reinspection is None
