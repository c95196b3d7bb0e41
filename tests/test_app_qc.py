"""The QC inspector's day on the terminal: their home lists what to inspect, the entry
screen takes a unit's values from the keys and from a gauge on a real pseudo-terminal, a
value out of its limits turns red at once, and the inspection is judged by itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from kiosk.app import KioskApp
from kiosk.config import Language, load_config
from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.qc_sampling import plan_for
from kiosk.qc_values import InspectionStatus
from kiosk.report_values import ReportRequest
from kiosk.services import Services
from kiosk.store.models import Disposition, Inspection, InspectionResult
from kiosk.work import Refusal, Refused
from screens.choice_prompt import ChoicePrompt
from screens.disposition import DispositionScreen
from screens.inspection import InspectionScreen
from screens.qc_home import QcHome
from screens.widgets.check_rows import PassFailRow, ValueRow
from screens.widgets.key_bar import KeyBar
from tests.fakes import FakeClock
from tests.test_app import events_of, sign_in, type_and_enter, wait_for
from tests.test_app_devices import Port, notified
from tests.test_app_reporting import select as select_task
from tests.test_materials import signed_in, smt_task
from tests.test_qc import SOLDER, THICK, keep_plan, reflow

EN = Translator(Language.EN)


@pytest.fixture
def gauge(tmp_path: Path) -> Iterator[Port]:
    port = Port(tmp_path / "by-id" / "usb-caliper")
    yield port
    if port.link.exists():
        port.unplug()


@pytest.fixture
def qc_app(tmp_path: Path, clock: FakeClock, services: Services, gauge: Port) -> KioskApp:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'\n[devices.gauge]\nkind = "serial"\nport = "{gauge.link}"\n',
        encoding="utf-8",
    )
    return KioskApp(load_config(path), clock, lambda: services, tick_seconds=0.05)


async def qc_home(pilot: Pilot[None], app: KioskApp, badge: str) -> QcHome:
    await wait_for(pilot, lambda: app.services is not None)
    await type_and_enter(pilot, badge)
    await wait_for(pilot, lambda: isinstance(app.screen, QcHome))
    home = app.screen
    assert isinstance(home, QcHome)
    return home


async def open_inspection(pilot: Pilot[None], app: KioskApp) -> InspectionScreen:
    """Enter on the inspector's home opens the highlighted inspection."""
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, InspectionScreen))
    screen = app.screen
    assert isinstance(screen, InspectionScreen)
    return screen


async def recorded(pilot: Pilot[None], screen: InspectionScreen, units: int) -> None:
    await wait_for(pilot, lambda: len(screen.detail.samples) == units)


def outcome(screen: InspectionScreen) -> str:
    return str(screen.query_one("#insp-outcome", Static).render())


def findings(screen: InspectionScreen) -> list[str]:
    return [str(w.render()) for w in screen.query("#insp-rows Static")]


def all_shown(screen: InspectionScreen) -> bool:
    width, height = screen.size
    widgets = [screen.query_one(f"#insp-{name}") for name in ("title", "plan", "rows", "outcome")]
    widgets.append(screen.query_one(KeyBar))
    return all(
        w.region.height > 0 and w.region.bottom <= height and w.region.right <= width
        for w in widgets
    )


@pytest.mark.parametrize(
    ("size", "badge", "pin", "name"),
    [((120, 40), "E1014", "2580", "Grace Lin"), ((40, 16), "E1008", "3579", "黄婷")],
)
async def test_a_first_article_is_entered_by_keys_and_gauge_judged_and_dispositioned(
    qc_app: KioskApp,
    services: Services,
    gauge: Port,
    size: tuple[int, int],
    badge: str,
    pin: str,
    name: str,
) -> None:
    app = qc_app
    keep_plan(services, "FA-MC200-REFLOW", "first_article", THICK, SOLDER, sample_size=2)
    operator = signed_in(services, "E1003")
    operation = reflow(services, operator)  # the start raised the first article
    async with app.run_test(size=size) as pilot:
        home = await qc_home(pilot, app, badge)
        assert app.user is not None
        tr = Translator(app.user.language)
        options = home.query_one(OptionList)
        await wait_for(pilot, lambda: options.get_option_at_index(0).id is not None)
        assert tr("qc.kind.first_article") in str(options.get_option_at_index(0).prompt)
        screen = await open_inspection(pilot, app)
        await wait_for(pilot, lambda: len(screen.query(ValueRow)) == 1)
        assert all_shown(screen)

        # Unit 1 by keys: the thickness typed, the joints passed, Enter records it.
        await pilot.press(*"1.60")
        thick = screen.query_one(ValueRow)
        assert thick.has_class("-good")
        await pilot.press("enter", "1", "enter")
        await wait_for(pilot, lambda: outcome(screen) == tr("qc.unit_ok", sample=1))

        # Unit 2: the caliper sends 1.75 mm, out of 1.50-1.70: red at once, on to the joints.
        await recorded(pilot, screen, 1)
        thick = screen.query_one(ValueRow)
        gauge.send(b"01A+00001.750\r")
        await wait_for(pilot, lambda: thick.has_class("-bad"))
        assert screen.query_one(PassFailRow).has_focus
        await pilot.press("2")  # the joints fail too: which defect?
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("1", "enter")  # the first of the plan's defects: solder bridge
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("enter")
        failed = tr("qc.failed", bad=1)
        await wait_for(pilot, lambda: outcome(screen).startswith(failed))
        assert tr("qc.disposition_hint") in outcome(screen)
        # What was found stays on screen for the disposition: unit 2, both failures.
        unit_2 = tr("qc.unit_found", sample=2, found="").strip()
        await wait_for(pilot, lambda: any(unit_2 in line for line in findings(screen)))
        [line] = [line for line in findings(screen) if unit_2 in line]
        assert "1.75" in line and tr("qc.units_conform", count=1) in findings(screen)
        assert all_shown(screen)

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)
        await wait_for(
            pilot, lambda: tr("qc.to_disposition") in str(options.get_option_at_index(0).prompt)
        )
        with pytest.raises(Refused) as refused:  # the operation waits for a good first article
            services.reports.report(operation, ReportRequest(5, 0, None, False), operator)
        assert refused.value.reason is Refusal.FIRST_ARTICLE_PENDING

        # F6 signs a concession with the inspector's PIN: the operation may report again.
        again = await open_inspection(pilot, app)
        await wait_for(pilot, lambda: outcome(again).startswith(failed))
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, DispositionScreen))
        await pilot.press("3")
        await wait_for(pilot, lambda: app.screen.query_one("#pin", Input).has_focus)
        # The sentence signed is shown before the PIN signs it.
        await wait_for(pilot, lambda: name in str(app.screen.query_one("#meaning").render()))
        await pilot.press(*pin, "enter")
        await wait_for(pilot, lambda: app.screen is again)
        decision = tr("qc.decision.concession")
        await wait_for(pilot, lambda: decision in outcome(again))

    with services.store.read() as session:
        inspection = session.exec(select(Inspection)).one()
        results = session.exec(
            select(InspectionResult).order_by(
                col(InspectionResult.sample_no), col(InspectionResult.characteristic)
            )
        ).all()
    assert (inspection.status, inspection.nonconforming) == (InspectionStatus.FAILED, 1)
    assert [(r.sample_no, r.characteristic, r.value, r.passed, r.defect) for r in results] == [
        (1, "SOLDER", None, True, ""),
        (1, "THICK", 1.6, True, ""),
        (2, "SOLDER", None, False, "BRIDGE"),
        (2, "THICK", 1.75, False, ""),
    ]
    with services.store.read() as session:
        signed = session.exec(select(Disposition)).one()
    assert (signed.decision, signed.signer_name) == ("concession", name)
    services.reports.report(operation, ReportRequest(5, 0, None, False), operator)


async def test_a_gauge_line_that_is_not_a_reading_changes_nothing_and_is_said(
    qc_app: KioskApp, services: Services, gauge: Port
) -> None:
    app = qc_app
    keep_plan(services, "FA-MC200-REFLOW", "first_article", THICK, SOLDER)
    reflow(services, signed_in(services, "E1003"))
    async with app.run_test(size=(120, 40)) as pilot:
        await qc_home(pilot, app, "E1014")
        tr = Translator(app.user.language if app.user else app.tr.language)
        gauge.send(b"1.60\r")  # not on an entry screen: not used, and said so
        await wait_for(pilot, lambda: notified(app, tr("gauge.not_here")))
        screen = await open_inspection(pilot, app)
        await wait_for(pilot, lambda: len(screen.query(ValueRow)) == 1)
        gauge.send(b"ERR6\r")
        problem = tr("gauge.problem.not_a_number")
        await wait_for(pilot, lambda: notified(app, tr("qc.gauge_unreadable", problem=problem)))
        assert screen.query_one(ValueRow).answer() is None
    assert services.qc.to_do("en")[0].samples_done == 0


async def test_a_patrol_due_by_running_minutes_is_announced_on_the_terminal(
    tmp_path: Path, clock: FakeClock, services: Services
) -> None:
    keep_plan(services, "PT-MC200", "patrol", THICK, every_minutes=30)
    operator: SignedIn = signed_in(services, "E1003")
    reflow(services, operator)
    app = KioskApp(
        load_config(tmp_path / "kiosk.toml"),
        clock,
        lambda: services,
        tick_seconds=0.05,
        andon_seconds=0.05,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.services is not None)
        clock.advance(31 * 60)
        await wait_for(pilot, lambda: len(services.qc.to_do("en")) == 1)
        [patrol] = services.qc.to_do("en")
        await wait_for(pilot, lambda: notified(app, patrol.number))


@pytest.mark.parametrize(("size", "badge"), [((120, 40), "E1014"), ((40, 16), "E1008")])
async def test_a_patrol_raised_by_units_reported_is_entered_and_passes(
    qc_app: KioskApp, services: Services, size: tuple[int, int], badge: str
) -> None:
    app = qc_app
    keep_plan(services, "PT-MC200", "patrol", THICK, every_units=5, sample_size=2)
    operator = signed_in(services, "E1003")
    operation = reflow(services, operator)
    services.reports.report(operation, ReportRequest(5, 0, None, False), operator)
    async with app.run_test(size=size) as pilot:
        home = await qc_home(pilot, app, badge)
        assert app.user is not None
        tr = Translator(app.user.language)
        options = home.query_one(OptionList)
        await wait_for(pilot, lambda: options.get_option_at_index(0).id is not None)
        assert tr("qc.kind.patrol") in str(options.get_option_at_index(0).prompt)
        screen = await open_inspection(pilot, app)
        for unit, value in enumerate(("1.58", "1.63"), start=1):
            await wait_for(pilot, lambda: len(screen.query(ValueRow)) == 1)
            await wait_for(pilot, lambda: screen.query_one(ValueRow).has_focus_within)
            await pilot.press(*value, "enter")  # one row: Enter on it records the unit
            await recorded(pilot, screen, unit)
        await wait_for(pilot, lambda: outcome(screen).startswith(tr("qc.passed", bad=0)))
        assert all_shown(screen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)
        await wait_for(pilot, lambda: options.get_option_at_index(0).id is None)
        assert str(options.get_option_at_index(0).prompt) == tr("qc.nothing_to_do")


@pytest.mark.parametrize(("size", "badge"), [((120, 40), "E1014"), ((40, 16), "E1008")])
async def test_a_final_report_raises_a_lot_sampled_by_iso_2859_that_its_reject_number_fails(
    qc_app: KioskApp, services: Services, size: tuple[int, int], badge: str
) -> None:
    app = qc_app
    keep_plan(services, "FI-MC200", "final", SOLDER, aql="1.0", level="II")
    operator = signed_in(services, "E1003")
    operation = reflow(services, operator)
    services.reports.report(operation, ReportRequest(20, 0, None, True), operator)
    with services.store.read() as session:
        lot_size = session.exec(select(Inspection.lot_size)).one()
    assert lot_size is not None and lot_size >= 20  # what the operation built so far
    plan = plan_for(lot_size, "1.0", "II")  # the standard's plan for that lot, worked out apart
    async with app.run_test(size=size) as pilot:
        await qc_home(pilot, app, badge)
        assert app.user is not None
        tr = Translator(app.user.language)
        screen = await open_inspection(pilot, app)
        plan_line = str(screen.query_one("#insp-plan", Static).render())
        severity = tr("qc.severity.normal")
        assert tr(
            "qc.lot_plan", lot=lot_size, letter=plan.code_letter, size=plan.sample_size,
            accept=plan.accept, reject=plan.reject, severity=severity,
        ) in plan_line  # fmt: skip
        bad_units = set(range(3, 3 + plan.reject))  # as many as the plan rejects on
        for unit in range(1, plan.sample_size + 1):
            await wait_for(pilot, lambda: len(screen.query(PassFailRow)) == 1)
            await wait_for(pilot, lambda: screen.query_one(PassFailRow).has_focus)
            if unit in bad_units:  # solder bridges
                await pilot.press("2")
                await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
                await pilot.press("1", "enter")
                await wait_for(pilot, lambda: app.screen is screen)
            else:
                await pilot.press("1")
            await pilot.press("enter")
            await recorded(pilot, screen, unit)
        failed = tr("qc.failed", bad=plan.reject)
        await wait_for(pilot, lambda: outcome(screen).startswith(failed))
        assert all_shown(screen)
    with services.store.read() as session:
        lot = session.exec(select(Inspection)).one()
    assert (lot.sample_size, lot.accept, lot.nonconforming, lot.status) == (
        plan.sample_size, plan.accept, plan.reject, InspectionStatus.FAILED,
    )  # fmt: skip


async def test_the_operator_starting_a_task_is_told_its_first_article_comes_first(
    qc_app: KioskApp, services: Services
) -> None:
    app = qc_app
    keep_plan(services, "FA-MC200-SMT", "first_article", THICK, seq=10)
    placement = smt_task(services)
    async with app.run_test(size=(120, 40)) as pilot:
        home = await sign_in(pilot, app, "E1003")
        await select_task(pilot, home, placement.operation_id)
        await pilot.press("f2")
        await wait_for(pilot, lambda: notified(app, EN("qc.first_article_due")))
        await pilot.press("f12")  # a report is refused before its form opens: nothing typed lost
        await wait_for(pilot, lambda: notified(app, EN("refusal.first_article_pending")))
        assert app.screen is home
    [first] = services.qc.to_do("en")
    assert first.operation.startswith(placement.work_order)


async def test_a_gauge_reading_in_inches_is_entered_in_the_characteristics_millimetres(
    qc_app: KioskApp, services: Services, gauge: Port
) -> None:
    app = qc_app
    torque = THICK.model_copy(update={"code": "TORQUE", "name_en": "Torque", "unit": "N·m"})
    keep_plan(services, "FA-MC200-REFLOW", "first_article", THICK, torque)
    reflow(services, signed_in(services, "E1003"))
    async with app.run_test(size=(120, 40)) as pilot:
        await qc_home(pilot, app, "E1014")
        screen = await open_inspection(pilot, app)
        await wait_for(pilot, lambda: len(screen.query(ValueRow)) == 2)
        thick, torque_row = screen.query(ValueRow)
        await wait_for(pilot, lambda: thick.has_focus_within)
        gauge.send(b"0.0630 in\r")  # 1.6002 mm: within 1.50-1.70
        await wait_for(pilot, lambda: thick.has_class("-good"))
        answer = thick.answer()
        assert answer is not None and answer.value == pytest.approx(1.60)
        await wait_for(pilot, lambda: torque_row.has_focus_within)
        gauge.send(b"12.3 mm\r")  # a length for a torque: refused, nothing entered
        wrong = EN("qc.gauge_wrong_unit", unit="mm", wanted="N·m")
        await wait_for(pilot, lambda: notified(app, wrong))
        assert torque_row.answer() is None


async def test_a_second_enter_with_gloves_records_the_unit_once(
    qc_app: KioskApp, services: Services
) -> None:
    app = qc_app
    keep_plan(services, "PT-MC200", "patrol", THICK, every_units=5, sample_size=2)
    operator = signed_in(services, "E1003")
    operation = reflow(services, operator)
    services.reports.report(operation, ReportRequest(5, 0, None, False), operator)
    async with app.run_test(size=(40, 16)) as pilot:
        await qc_home(pilot, app, "E1014")
        screen = await open_inspection(pilot, app)
        await wait_for(pilot, lambda: screen.query_one(ValueRow).has_focus_within)
        await pilot.press(*"1e999")  # the number field takes it; it is no reading
        row = screen.query_one(ValueRow)
        assert row.has_class("-bad") and row.answer() is None
        await pilot.press(*(["backspace"] * 5))
        await pilot.press(*"1.60", "enter", "enter")
        await recorded(pilot, screen, 1)
        await pilot.pause(0.3)
    assert len(events_of(services, "qc.sample_recorded")) == 1
