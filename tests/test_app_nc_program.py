"""Machine programs through the real app: an operator picks the task on home, Ctrl+G, and F2
sends its program to a simulated machine on a pseudo-terminal or into a machine's folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static

from devices.dnc import frame
from devices.dnc_sim import DncMachine
from kiosk.app import KioskApp
from kiosk.config import Language, StationConfig, load_config
from kiosk.i18n import Translator
from kiosk.ids import new_id
from kiosk.services import Services
from kiosk.store.models import NcTransfer
from kiosk.work import Task
from screens.home import HomeScreen
from screens.nc_program import NcProgramScreen
from screens.widgets.key_bar import KeyBar
from tests.conftest import write_config
from tests.fakes import FakeClock
from tests.test_app import sign_in, wait_for
from tests.test_nc_programs import BODY, checksum, hold_program, needs, transferred

PLACEMENT = "T-PNP-MC200"
TORQUE = "T-TQ-CB200"
TORQUE_BODY = "O1200 (CB-200 BOX SCREWS)\nN10 G90\nN20 M71\nN30 M30\n"


@pytest.fixture
def config(tmp_path: Path) -> StationConfig:
    """The demo station, with a placement machine on DNC and a screwdriver that reads a folder
    (both paths relative to kiosk.toml, as a station would write them)."""
    path = write_config(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[[nc.machines]]\nequipment = "SMT1-PNP"\nkind = "serial"\n'
        + 'target = "by-id/usb-pnp"\nbaud = 115200\n'
        + '\n[[nc.machines]]\nequipment = "ASM1-SCREW"\nkind = "folder"\n'
        + 'target = "nc/ASM1-SCREW"\n',
        encoding="utf-8",
    )
    (tmp_path / "nc" / "ASM1-SCREW").mkdir(parents=True)
    return load_config(path)


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[DncMachine]:
    made = DncMachine(buffer_size=256, work_seconds=0.01, link=tmp_path / "by-id" / "usb-pnp")
    made.start()
    yield made
    made.close()


@pytest.fixture
def app(config: StationConfig, clock: FakeClock, services: Services) -> KioskApp:
    return KioskApp(config, clock, lambda: services, tick_seconds=0.05)


def task_of(services: Services, work_order: str, seq: int) -> Task:
    return next(
        t for t in services.tasks.open_tasks() if t.work_order.endswith(work_order) and t.seq == seq
    )


def outcome(screen: NcProgramScreen) -> tuple[str, str]:
    word = str(screen.query_one("#nc-outcome", Static).render()).replace(" ", "")
    return word, str(screen.query_one("#nc-why", Static).render())


def facts(screen: NcProgramScreen) -> str:
    """The facts as on the glass, whitespace squashed: a line folded at 40 columns reads whole."""
    strips = screen.app.screen._compositor.render_strips()
    box = screen.query_one("#nc-facts", Static).region
    return "".join(
        "".join(strips[y].crop(box.x, box.right).text.split()) for y in range(box.y, box.bottom)
    )


def squash(text: str) -> str:
    return "".join(text.split())


async def open_program(
    pilot: Pilot[None], app: KioskApp, home: HomeScreen, task: Task
) -> NcProgramScreen:
    table = home.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(task.operation_id))
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: isinstance(app.screen, NcProgramScreen))
    screen = app.screen
    assert isinstance(screen, NcProgramScreen)
    await wait_for(pilot, lambda: screen.view is not None)
    await pilot.pause()
    return screen


def all_shown(screen: NcProgramScreen) -> bool:
    """Facts, machines, the outcome and the keys all on screen, none squeezed to nothing."""
    width, height = screen.size
    widgets = [screen.query_one(f"#nc-{name}") for name in ("facts", "machines", "outcome", "why")]
    widgets.append(screen.query_one(KeyBar))
    return all(
        w.region.height > 0 and w.region.bottom <= height and w.region.right <= width
        for w in widgets
    )


@pytest.mark.parametrize(("size", "badge"), [((120, 40), "E1003"), ((40, 16), "E1001")])
async def test_an_operator_sends_programs_over_dnc_and_into_a_folder_and_a_damaged_one_is_refused(
    app: KioskApp,
    services: Services,
    machine: DncMachine,
    config: StationConfig,
    size: tuple[int, int],
    badge: str,
) -> None:
    placement, torque, damaged = (
        task_of(services, "0046", 10),
        task_of(services, "0036", 10),
        task_of(services, "0042", 10),
    )
    needs(services, placement, PLACEMENT, 3)
    needs(services, torque, TORQUE, 1)
    needs(services, damaged, PLACEMENT + "-B", 1)
    hold_program(services, PLACEMENT, 3, BODY, file_name="MC200_TOP_R3.pnp")
    hold_program(services, TORQUE, 1, TORQUE_BODY, file_name="O1200.nc")
    hold_program(services, PLACEMENT + "-B", 1, BODY, claimed=checksum("another body"))
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    async with app.run_test(size=size) as pilot:
        home = await sign_in(pilot, app, badge)
        assert app.user is not None
        tr = Translator(app.user.language)

        screen = await open_program(pilot, app, home, placement)
        shown = facts(screen)
        assert PLACEMENT in shown and squash(tr("nc.checksum_ok")) in shown
        assert squash(tr("nc.at_least", version=3)) in shown
        assert squash(tr("nc.file_size", name="MC200_TOP_R3.pnp", size=len(BODY))) in shown
        machines = screen.query_one(OptionList)
        assert machines.option_count == 1 and machines.get_option_at_index(0).id == "SMT1-PNP"
        assert all_shown(screen)
        await pilot.press("f2")
        await wait_for(pilot, lambda: outcome(screen)[0] == tr("nc.sent"))
        assert "SMT1-PNP" in outcome(screen)[1]
        assert all_shown(screen)
        expected = frame(BODY.encode())
        assert machine.wait_for(len(expected), 5) == expected
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is home)

        screen = await open_program(pilot, app, home, torque)
        assert screen.query_one(OptionList).get_option_at_index(0).id == "ASM1-SCREW"
        await pilot.press("f2")
        await wait_for(pilot, lambda: outcome(screen)[0] == tr("nc.sent"))
        folder = Path(config.nc.machines[1].target)
        assert (folder / "O1200.nc").read_bytes() == TORQUE_BODY.encode()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)

        screen = await open_program(pilot, app, home, damaged)
        assert squash(tr("nc.checksum_bad")) in facts(screen)
        reason = tr("refusal.nc_checksum_mismatch")
        assert tr("nc.will_refuse", reason=reason) in outcome(screen)[1]  # said before F2
        assert bells == []
        await pilot.press("f2")
        await wait_for(pilot, lambda: outcome(screen)[0] == tr("nc.refused"))
        assert outcome(screen)[1] == reason
        assert len(bells) == 1
        assert all_shown(screen)
    assert [(e.program, e.equipment, e.outcome) for e in transferred(services)] == [
        (PLACEMENT, "SMT1-PNP", "sent"),
        (TORQUE, "ASM1-SCREW", "sent"),
        (PLACEMENT + "-B", "SMT1-PNP", "nc_checksum_mismatch"),
    ]
    assert len(machine.received) == len(expected)  # the refused one never went out


async def test_an_unplugged_machine_port_is_a_failure_the_operator_is_told_about(
    app: KioskApp, services: Services, machine: DncMachine, config: StationConfig
) -> None:
    placement = task_of(services, "0046", 10)
    needs(services, placement, PLACEMENT, 3)
    hold_program(services, PLACEMENT, 3, BODY)
    machine.close()  # the cable is pulled: its by-id link goes
    port = config.nc.machines[0].target
    async with app.run_test(size=(120, 40)) as pilot:
        home = await sign_in(pilot, app, "E1003")
        screen = await open_program(pilot, app, home, placement)
        await pilot.press("f2")
        await wait_for(pilot, lambda: outcome(screen)[0] == "FAILED")
        assert outcome(screen)[1] == Translator(Language.EN)("nc.problem.port_missing", target=port)
    [event] = transferred(services)
    assert (event.outcome, event.target) == ("failed", port)
    assert event.detail.startswith("port_missing: ")


async def test_a_send_the_terminal_never_finished_is_shown_until_the_program_is_sent_again(
    app: KioskApp, services: Services, clock: FakeClock, machine: DncMachine
) -> None:
    placement = task_of(services, "0046", 10)
    needs(services, placement, PLACEMENT, 3)
    hold_program(services, PLACEMENT, 3, BODY)
    with services.store.write() as session:  # what a power cut in the middle leaves
        session.add(
            NcTransfer(id=new_id(), operation_id=placement.operation_id, equipment="SMT1-PNP",
                       program=PLACEMENT, version=3, checksum=checksum(BODY), target="",
                       outcome="sending", sent_at=clock.now(), sender="the last boot:4242")
        )  # fmt: skip
    assert services.nc.settle_interrupted() == 1  # as the next start does
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    async with app.run_test(size=(40, 16)) as pilot:
        home = await sign_in(pilot, app, "E1001")
        screen = await open_program(pilot, app, home, placement)
        tr = Translator(Language.ZH_CN)
        await wait_for(pilot, lambda: outcome(screen)[0] == tr("nc.interrupted"))
        assert outcome(screen)[1] == tr("nc.interrupted_detail", equipment="SMT1-PNP")
        assert len(bells) == 1
        assert all_shown(screen)
        await pilot.press("f2")
        await wait_for(pilot, lambda: outcome(screen)[0] == tr("nc.sent"))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)
        screen = await open_program(pilot, app, home, placement)
        await wait_for(pilot, lambda: screen.view is not None)
        assert outcome(screen)[0] != tr("nc.interrupted")
    assert [e.outcome for e in transferred(services)] == ["interrupted", "sent"]
